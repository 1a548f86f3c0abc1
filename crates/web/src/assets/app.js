// traject's only script, served from the binary (the Content-Security-Policy allows no inline
// script). Pages work without it; with it, the intake verdict follows the form as it is filled,
// and the programme editor checks the text as it is edited (Save follows the check), shows
// where the cursor is and puts it on a problem's line.
"use strict";

// Send `form` to `url` once `watched` has been still for `delay` ms after one of `events`;
// `show` gets the answer's HTML and whether it was a success.
function sendWhenStill(form, url, watched, events, delay, show) {
  let timer = null;
  const ask = () => {
    const body = new URLSearchParams(new FormData(form));
    fetch(url, { method: "POST", body, credentials: "same-origin" })
      .then((r) => r.text().then((html) => show(html, r.ok)))
      .catch(() => {});
  };
  for (const event of events) {
    watched.addEventListener(event, () => {
      clearTimeout(timer);
      timer = setTimeout(ask, delay);
    });
  }
}

function whenFilled(form, target) {
  sendWhenStill(form, "/intake/verdict", form, ["input", "change"], 200, (html) => {
    target.innerHTML = html;
  });
}

function offsetOf(text, line, col) {
  const lines = text.split("\n");
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i += 1) {
    at += lines[i].length + 1;
  }
  return Math.min(text.length, at + Math.max(0, col - 1));
}

function editorChecks(form, area) {
  const save = document.getElementById("save");
  sendWhenStill(form, form.dataset.check, area, ["input"], 400, (html, ok) => {
    if (!ok) {
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.querySelector("#check");
    const current = document.getElementById("check");
    if (fresh && current) {
      current.replaceWith(fresh);
      if (save) {
        save.disabled = fresh.dataset.problems !== "0";
      }
    }
  });
  const caret = document.getElementById("caret");
  const where = () => {
    const before = area.value.slice(0, area.selectionStart);
    const line = before.split("\n").length;
    const col = before.length - before.lastIndexOf("\n");
    caret.textContent = caret.dataset.words.replace("{line}", line).replace("{col}", col);
  };
  if (caret) {
    area.addEventListener("keyup", where);
    area.addEventListener("click", where);
  }
  form.addEventListener("click", (e) => {
    const go = e.target.closest("button.goto");
    if (!go) {
      return;
    }
    const line = Number(go.dataset.line);
    const at = offsetOf(area.value, line, Number(go.dataset.col));
    area.focus();
    area.setSelectionRange(at, at);
    const lines = area.value.split("\n").length;
    area.scrollTop = Math.max(0, ((line - 4) * area.scrollHeight) / lines);
    if (caret) {
      where();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("editor");
  const text = document.getElementById("programme-text");
  if (editor && text) {
    editorChecks(editor, text);
  }
  const form = document.getElementById("referral");
  const verdict = document.getElementById("verdict");
  if (form && verdict) {
    whenFilled(form, verdict);
  }
  const demand = document.getElementById("demand");
  const shown = document.getElementById("demand-value");
  if (demand && shown) {
    demand.addEventListener("input", () => {
      shown.textContent = demand.value;
    });
  }
});
