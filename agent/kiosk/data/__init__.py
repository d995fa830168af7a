"""Sample store data and the kiosk's evaluation sets (catalog, FAQ, questions with the facts each answer needs)."""

# name -> (catalog, faq, questions). "blind7"/"blind8" were written by someone who never saw the
# kiosk code and were scored before any change; the others were used while building it.
SETS = {name: (f"{name}_catalog.csv", f"{name}_faq.csv", f"{name}_questions.jsonl")
        for name in ("sample", "heldout", "fresh", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10")}
