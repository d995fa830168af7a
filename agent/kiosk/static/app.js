"use strict";
// The kiosk page: sends the question, shows each checked sentence as the server streams it.
// Answers are inserted with textContent only: shopper and catalog text can never become markup.
(function () {
  const form = document.getElementById("ask");
  const input = document.getElementById("q");
  const send = document.getElementById("send");
  const answer = document.getElementById("answer");
  const sugg = document.getElementById("suggestions");
  let current = null;
  let idleTimer = null;

  function para(text, cls) {
    const p = document.createElement("p");
    p.textContent = text;
    if (cls) p.className = cls;
    answer.appendChild(p);
    return p;
  }

  function resetLater() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      input.value = "";
      answer.replaceChildren();
      para("Your answer will appear here.", "placeholder");
    }, 90000);
  }

  async function ask(question) {
    question = question.trim();
    if (!question) { input.focus(); return; }
    if (current) current.abort();
    const ctrl = new AbortController();
    current = ctrl;
    answer.replaceChildren();
    const thinking = para("Looking that up…", "thinking");
    answer.setAttribute("aria-busy", "true");
    send.disabled = true;
    let got = 0;
    try {
      const res = await fetch("/api/ask/stream", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question }), signal: ctrl.signal,
      });
      if (!res.ok || !res.body) throw new Error("HTTP " + res.status);
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut); buf = buf.slice(cut + 2);
          let ev = "message", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) ev = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          const obj = data ? JSON.parse(data) : {};
          if (ev === "sentence") { if (!got) thinking.remove(); got++; para(obj.text, "sentence"); }
          else if (ev === "error") { thinking.remove(); para(obj.error, "error"); }
          else if (ev === "done") { answer.dataset.sources = (obj.sources || []).join(","); answer.dataset.done = "1"; }
        }
      }
    } catch (e) {
      if (ctrl.signal.aborted) return;
      thinking.remove();
      para("Sorry, I couldn't reach the store system. Please ask a member of staff.", "error");
    } finally {
      if (current === ctrl) { current = null; send.disabled = false; answer.setAttribute("aria-busy", "false"); resetLater(); }
    }
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); answer.dataset.done = ""; ask(input.value); });

  fetch("/api/suggestions").then(function (r) { return r.json(); }).then(function (s) {
    if (s.store) document.getElementById("store").textContent = s.store;
    for (const q of s.suggestions || []) {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = q;
      b.addEventListener("click", function () { input.value = q; answer.dataset.done = ""; ask(q); });
      sugg.appendChild(b);
    }
  }).catch(function () {});
  input.focus();
})();
