"""A package that has not grown a build_component yet: the daemon must skip it and say so."""
