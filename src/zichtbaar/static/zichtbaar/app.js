// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const text = document.querySelector("textarea[data-max]");
  if (text) {
    const counter = document.querySelector("[data-count]");
    const max = Number(text.dataset.max);
    const update = () => {
      // Count like LinkedIn does: characters, not UTF-16 code units (emoji count once).
      const n = Array.from(text.value).length;
      counter.textContent = n;
      counter.parentElement.classList.toggle("over", n > max);
    };
    text.addEventListener("input", update);
    update();
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
  // After opening LinkedIn in a new tab, unfold "I shared it" for when the person returns.
  const open = document.querySelector("[data-linkedin]");
  if (open) {
    open.addEventListener("click", () => {
      const shared = document.querySelector("details.shared");
      if (shared) shared.open = true;
    });
  }
});
