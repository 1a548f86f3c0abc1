// traject's only script, served from the binary (the Content-Security-Policy allows no inline
// script). Pages work without it; with it, the intake verdict follows the form as it is filled,
// and the programme editor checks the text as it is edited (Save follows the check), shows
// where the cursor is and puts it on a problem's line.
"use strict";

function whenFilled(form, target) {
  let timer = null;
  const ask = () => {
    const body = new URLSearchParams(new FormData(form));
    fetch("/intake/verdict", { method: "POST", body, credentials: "same-origin" })
      .then((r) => r.text())
      .then((html) => {
        target.innerHTML = html;
      })
      .catch(() => {});
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
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
  let timer = null;
  const save = document.getElementById("save");
  const ask = () => {
    const body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.check, { method: "POST", body, credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => {
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
      })
      .catch(() => {});
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
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
