// traject's only script, served from the binary (the Content-Security-Policy allows no inline
// script). Pages work without it; with it, the intake verdict follows the form as it is filled.
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

document.addEventListener("DOMContentLoaded", () => {
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
