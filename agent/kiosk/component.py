"""The supervised kiosk component: HTTP server, live stock, catalog replacement.

The catalog can change three ways without a restart: a signed cloud command
(``replace_catalog``), the manager saving the CSV file (mtime watched), and
live stock from sensors (STOCK events). A new catalog that cannot be used at
all leaves the current one in place; bad rows are skipped and reported.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from agent.component import AgentContext, CommandError
from agent.events import Event, EventKind
from agent.kiosk.catalog import Catalog, CatalogError, load_catalog
from agent.kiosk.server import KioskHTTPServer
from agent.kiosk.service import Answer, Kiosk, qa_event, sample_paths
from agent.kiosk.settings import KioskSettings
from agent.logs import fields

log = logging.getLogger(__name__)


def _mtime(p: Path | None) -> float | None:
    if p is None:
        return None
    try:
        return os.stat(p).st_mtime
    except OSError:
        return None


class KioskComponent:
    name = "kiosk"

    def __init__(self, ctx: AgentContext, settings: KioskSettings | None = None) -> None:
        self.ctx = ctx
        self.s = settings or ctx.config.kiosk
        if self.s.catalog:
            self.catalog_path: Path | None = Path(self.s.catalog)
            self.faq_path: Path | None = Path(self.s.faq) if self.s.faq else None
        else:
            self.catalog_path, self.faq_path = sample_paths()
            if self.s.faq:
                self.faq_path = Path(self.s.faq)
        self.saved_path = ctx.data_dir / "kiosk" / "catalog.csv"
        catalog = self._initial_catalog()
        self.kiosk = Kiosk(catalog, clock=ctx.clock, model=ctx.model, currency=self.s.currency, use_model=self.s.use_model,
                           deadline_s=self.s.model_deadline_s, first_sentence_s=self.s.model_first_sentence_s, max_question_chars=self.s.max_question_chars,
                           on_answer=self._on_answer, activity=ctx.activity)
        self._stamps = (_mtime(self.catalog_path), _mtime(self.faq_path))
        self.last_error: str | None = None
        self.server: KioskHTTPServer | None = None
        ctx.commands.register("replace_catalog", self.replace_catalog_command)

    # -- catalog -----------------------------------------------------------------
    def _initial_catalog(self) -> Catalog:
        """The file, unless the cloud sent a newer catalog that was saved after it."""
        if self.saved_path.exists() and (_mtime(self.saved_path) or 0) >= (_mtime(self.catalog_path) or 0):
            try:
                cat = load_catalog(self.saved_path, self.faq_path)
                log.info("using the catalog last sent by the cloud", extra=fields(path=str(self.saved_path), products=len(cat.products)))
                return cat
            except CatalogError as e:
                log.warning("saved catalog unusable; using the configured file", extra=fields(error=str(e)))
        try:
            cat = load_catalog(self.catalog_path, self.faq_path)  # type: ignore[arg-type]
        except CatalogError as e:
            log.error("catalog unusable; the kiosk answers with an empty catalog until it is fixed", extra=fields(error=str(e)))
            self.last_error = str(e)
            return Catalog([], [], [e.issue])
        self._report_issues(cat)
        return cat

    def _report_issues(self, cat: Catalog) -> None:
        for issue in cat.issues:
            log.warning("catalog row skipped" if issue.row_skipped else "catalog row kept without a bad tag", extra=fields(issue=str(issue)))

    def reload_files(self) -> bool:
        """Reload when the catalog or FAQ file changed; True when a new catalog is in use."""
        stamps = (_mtime(self.catalog_path), _mtime(self.faq_path))
        if stamps == self._stamps:
            return False
        self._stamps = stamps
        try:
            cat = load_catalog(self.catalog_path, self.faq_path)  # type: ignore[arg-type]
        except CatalogError as e:
            self.last_error = str(e)
            log.error("changed catalog file is unusable; keeping the current catalog", extra=fields(error=str(e)))
            return False
        self.last_error = None
        self._report_issues(cat)
        self.kiosk.replace_catalog(cat)
        log.info("catalog reloaded from file", extra=fields(products=len(cat.products), issues=len(cat.issues)))
        return True

    def replace_catalog_command(self, args: dict[str, Any]) -> dict[str, Any]:
        text = args.get("catalog_csv", args.get("csv"))
        if not isinstance(text, str) or not text.strip():
            raise CommandError("replace_catalog needs 'catalog_csv': the catalog.csv text (header sku,name,brand,category,price,location,stock,tags,description)")
        faq = args.get("faq_csv")
        if faq is not None and not isinstance(faq, str):
            raise CommandError("'faq_csv' must be the faq.csv text (header question,answer)")
        try:
            cat = self.kiosk.replace_from_text(text, faq)
        except CatalogError as e:
            raise CommandError(f"catalog not replaced: {e}") from None
        self._report_issues(cat)
        try:
            self.saved_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.saved_path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.saved_path)
        except OSError as e:
            log.warning("new catalog is live but could not be saved for the next start", extra=fields(error=str(e)))
        log.info("catalog replaced by command", extra=fields(products=len(cat.products), issues=len(cat.issues)))
        return {"ok": True, "products": len(cat.products), "faq": len(cat.faq), "issues": [i.to_dict() for i in cat.issues]}

    # -- events ------------------------------------------------------------------
    def _on_stock(self, ev: Event) -> None:
        # sku_units is the SKU's total over all the slots that hold it (sensors send it);
        # a source that knows one slot per SKU (the controller link) sends only units.
        sku = ev.data.get("sku")
        units = ev.data.get("sku_units", ev.data.get("units"))
        if not isinstance(sku, str) or isinstance(units, bool) or not isinstance(units, int | float):
            return
        self.kiosk.catalog.set_live_stock(sku, int(units))

    def _on_answer(self, ans: Answer) -> None:
        self.ctx.bus.publish(qa_event(ans, self.ctx.clock))
        log.info("answered", extra=fields(kind=ans.kind, path=ans.path, latency_ms=round(ans.latency_ms, 1), sources=",".join(ans.sources)))

    # -- component ---------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        unsubscribe = self.ctx.bus.subscribe(self._on_stock, {EventKind.STOCK})
        self.server = KioskHTTPServer((self.s.host, self.s.port), self.kiosk, self.ctx.shared, self.s.store_name, self.s.suggestions, self.health)
        t = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.5}, name="kiosk-http", daemon=True)
        t.start()
        log.info("kiosk page serving", extra=fields(url=self.server.url, products=len(self.kiosk.catalog.products)))
        warm = False
        try:
            while True:
                if not warm:
                    warm = self.kiosk.warm_up()
                if stop.wait(self.s.watch_interval_s):
                    break
                self.reload_files()
        finally:
            unsubscribe()
            self.server.shutdown()
            self.server.server_close()
            t.join(timeout=5)

    def health(self) -> dict[str, Any]:
        cat = self.kiosk.catalog
        return {"ok": self.server is not None and self.last_error is None, "url": self.server.url if self.server else None,
                "products": len(cat.products), "faq": len(cat.faq), "catalog_issues": len(cat.issues), "catalog_error": self.last_error,
                "answered": self.kiosk.answered, "template_answers": self.kiosk.fallbacks}


def build_component(ctx: AgentContext) -> KioskComponent:
    return KioskComponent(ctx)
