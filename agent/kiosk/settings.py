"""The ``[kiosk]`` section: where the shopper page listens and which catalog it answers from."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.config import section


@section("kiosk")
@dataclass
class KioskSettings:
    enabled: bool = field(default=True, metadata={"help": "Serve the kiosk page and the question API."})
    host: str = field(default="127.0.0.1", metadata={"help": "Address the kiosk HTTP server binds to (127.0.0.1: only the local Chromium can reach it)."})
    port: int = field(default=8080, metadata={"help": "TCP port of the kiosk HTTP server; 0 picks a free port."})
    catalog: str = field(default="", metadata={"help": "Path of catalog.csv (sku,name,brand,category,price,location,stock,tags,description); empty uses the sample catalog shipped with the agent."})
    faq: str = field(default="", metadata={"help": "Path of faq.csv (question,answer); empty uses the sample FAQ when the sample catalog is used, else no FAQ."})
    currency: str = field(default="$", metadata={"help": "Currency sign written before prices in answers."})
    store_name: str = field(default="our store", metadata={"help": "Name the page and answers use for the store."})
    use_model: bool = field(default=True, metadata={"help": "Let the local language model phrase answers (every sentence is still checked against the catalog); false answers from templates only."})
    model_deadline_s: float = field(default=0.9, metadata={"help": "Seconds the model may spend on one answer before the checked template answer is used instead."})
    model_first_sentence_s: float = field(default=0.35, metadata={"help": "Seconds the model may take to produce its first checked sentence; later, the template answer is shown instead (keeps first text on screen under 0.5 s)."})
    max_question_chars: int = field(default=300, metadata={"help": "Longer questions are cut to this many characters before they are processed."})
    watch_interval_s: float = field(default=2.0, metadata={"help": "How often (seconds) the catalog and FAQ files are checked for changes."})
    suggestions: list[str] = field(default_factory=list, metadata={"help": "Suggested questions shown as buttons on the page; empty derives them from the catalog."})

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"kiosk.port {self.port} must be between 0 and 65535")
        if not 0.05 <= self.model_deadline_s <= 10:
            raise ValueError(f"kiosk.model_deadline_s {self.model_deadline_s} must be between 0.05 and 10 seconds")
        if not 0.05 <= self.model_first_sentence_s <= self.model_deadline_s:
            raise ValueError(f"kiosk.model_first_sentence_s {self.model_first_sentence_s} must be between 0.05 and model_deadline_s ({self.model_deadline_s})")
        if not 20 <= self.max_question_chars <= 2000:
            raise ValueError(f"kiosk.max_question_chars {self.max_question_chars} must be between 20 and 2000")
        if self.watch_interval_s <= 0:
            raise ValueError("kiosk.watch_interval_s must be positive")
