// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const text = document.querySelector("textarea[data-max]");
  const form = document.getElementById("compose-form");
  const announce = (region, message) => {
    if (!region) return;
    // Emptied first, so the same words said twice are said again.
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 50);
  };
  const count = () => (text ? Array.from(text.value).length : 0);

  if (text) {
    // The counter updates silently; crossing LinkedIn's limit (either way) is said once.
    const counter = document.querySelector("[data-count]");
    const countAnnounce = document.getElementById("count-announce");
    const max = Number(text.dataset.max);
    let over = count() > max;
    const update = () => {
      // Count like LinkedIn does: characters, not UTF-16 code units (emoji count once).
      const n = count();
      counter.textContent = n;
      counter.parentElement.classList.toggle("over", n > max);
      if ((n > max) !== over) {
        over = n > max;
        announce(countAnnounce, over ? countAnnounce.dataset.over : countAnnounce.dataset.under);
      }
    };
    text.addEventListener("input", update);
    update();
  }

  // The live check redraws #check-result as the person types; #check-announce says the verdict,
  // only when it changes. checkedText is the text the shown verdict belongs to.
  const checkAnnounce = document.getElementById("check-announce");
  const verdictNow = () => document.getElementById("check-result")?.dataset.verdict;
  let lastVerdict = verdictNow();
  let checkedText = text ? text.value : "";
  let pendingText = null;
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (text && event.detail.elt === text) pendingText = String(event.detail.parameters.text);
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const result = document.getElementById("check-result");
    const config = event.detail.requestConfig;
    if (!result || !text || !config || config.elt !== text) return;
    if (pendingText !== null) checkedText = pendingText;
    if (result.dataset.verdict !== lastVerdict) {
      lastVerdict = result.dataset.verdict;
      announce(checkAnnounce, result.dataset.announce);
    }
  });
  const checkAgain = () => text.dispatchEvent(new Event("input", { bubbles: true }));

  // Edits per draft, kept in this tab's sessionStorage (moment + angle), so switching drafts,
  // reading the guideline or recording a share never throws them away.
  const stockData = document.getElementById("stock-draft");
  if (text && form && stockData && form.dataset.draftKey) {
    const key = form.dataset.draftKey;
    const prefix = key.slice(0, key.lastIndexOf(":") + 1);
    const stock = JSON.parse(stockData.textContent).replace(/\r\n?/g, "\n");
    const value = () => text.value.replace(/\r\n?/g, "\n");
    const bar = form.querySelector("[data-draft-state]");
    const message = bar.querySelector("[data-draft-message]");
    const resetButton = bar.querySelector("[data-draft-reset]");
    const undoButton = bar.querySelector("[data-draft-undo]");
    const say = (name) => { message.textContent = bar.querySelector(`[data-draft-text="${name}"]`).content.textContent; };
    let undo = null;
    const store = () => {
      try {
        if (value() === stock) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, value());
      } catch (e) { /* storage full or off: the page still works */ }
    };
    const markTabs = () => {
      document.querySelectorAll("nav.drafts a.tab[data-angle]").forEach((tab) => {
        const mark = tab.querySelector("[data-edited]");
        if (mark) mark.hidden = sessionStorage.getItem(prefix + tab.dataset.angle) === null;
      });
    };
    const show = () => {
      const edited = value() !== stock;
      resetButton.hidden = !edited;
      undoButton.hidden = undo === null;
      bar.hidden = !edited && undo === null;
    };
    let saved = null;
    try { saved = sessionStorage.getItem(key); } catch (e) { /* no storage */ }
    if (value() !== stock) {
      // The server handed back the person's own text (a form round trip): that is the latest.
      store();
    } else if (saved !== null && saved !== stock) {
      text.value = saved;
      say("restored");
      checkAgain();
    }
    let wasEdited = value() !== stock;
    text.addEventListener("input", () => {
      store();
      const edited = value() !== stock;
      if (edited && !wasEdited && undo === null) say("edited");
      if (undo !== null && value() !== stock) { undo = null; }
      wasEdited = edited;
      show();
      markTabs();
    });
    resetButton.addEventListener("click", () => {
      undo = value();
      text.value = stock;
      checkAgain(); // the input handler keeps undo: the text is the stock draft
      say("reset");
      show();
      undoButton.focus();
    });
    undoButton.addEventListener("click", () => {
      const back = undo;
      undo = null;
      text.value = back;
      checkAgain();
      say("undone");
      show();
      text.focus();
    });
    show();
    markTabs();
  }

  const copy = document.querySelector("[data-copy]");
  if (copy && text) {
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text.value);
      } catch (e) {
        text.select();
        document.execCommand("copy");
      }
      const done = document.querySelector("[data-copied]");
      done.hidden = false;
      setTimeout(() => { done.hidden = true; }, 2500);
    });
  }

  // "Open in LinkedIn": one flow, one new tab. With nothing to ask (guideline acknowledged, the
  // check's verdict for exactly this text needs no "share anyway?"), the button opens LinkedIn
  // in a new tab straight away. Otherwise the questions appear here, in a dialog, and its
  // button opens the tab. Without JavaScript the server asks on the page itself.
  const open = document.querySelector("[data-linkedin]");
  const dialog = document.querySelector("[data-share-dialog]");
  const afterOpening = () => {
    const shared = document.querySelector("details.shared");
    if (shared) shared.open = true;
  };
  if (open && form && dialog && text) {
    const slot = dialog.querySelector("[data-share-slot]");
    const ready = () => {
      const result = document.getElementById("check-result");
      return !("needsAck" in form.dataset) && result && result.dataset.ready === "1"
        && checkedText === text.value && count() <= Number(text.dataset.max) && text.value.trim();
    };
    // "Post on LinkedIn now" / "Schedule…" (a connected LinkedIn) ask the very same questions;
    // their panel's button posts through Zichtbaar in this tab instead of opening LinkedIn.
    const ask = (button, via) => (event) => {
      if (ready()) {
        if (!via) {
          button.formTarget = "_blank";
          afterOpening();
        }
        return;
      }
      event.preventDefault();
      button.disabled = true;
      const body = new FormData(form);
      if (via) body.set("via", via);
      fetch(open.dataset.shareUrl, {
        method: "POST",
        body,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      }).then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then((html) => {
        document.querySelector("#compose-form [data-share-panel]")?.remove();
        slot.innerHTML = html;
        dialog.showModal();
        button.disabled = false;
      }).catch(() => {
        // The panel could not be fetched: ask on the page, as without JavaScript.
        button.disabled = false;
        button.formTarget = "";
        form.requestSubmit(button);
      });
    };
    open.addEventListener("click", ask(open, ""));
    document.querySelectorAll("#compose-form [data-linkedin-api]").forEach((button) => {
      button.addEventListener("click", ask(button, button.dataset.via));
    });
    dialog.addEventListener("click", (event) => {
      const go = event.target.closest("[data-share-go]");
      if (go) {
        if ("acknowledges" in go.dataset) {
          delete form.dataset.needsAck;
          document.querySelector("[data-ack-banner]")?.remove();
        }
        if (!("shareApi" in go.dataset)) afterOpening(); // a post through the API records itself
        // After the form has been submitted (the button must still be in the page for that).
        setTimeout(() => dialog.close(), 0);
        return;
      }
      if (event.target.closest("[data-share-close]")) dialog.close();
    });
    dialog.addEventListener("close", () => {
      slot.innerHTML = "";
      text.focus();
    });
  }
  // The page that asked in place (no JavaScript, or a late answer): its button opens LinkedIn.
  document.querySelectorAll("#compose-form [data-share-go]:not([data-share-api])").forEach((go) => {
    go.addEventListener("click", afterOpening);
  });
});
