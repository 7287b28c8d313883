/**
 * @module embed/styles
 * The launcher's own CSS, and the reset of everything inside the shadow root. The host page's rules reach
 * the `<parley-chat>` element and its inherited properties flow inside, so the first element in the
 * shadow root resets them (STYLE.md §3.4). The button mirrors `ChatLauncher.vue`, which replaces it once
 * the panel chunk is loaded: both must look the same.
 */
export const EMBED_CSS = `
:host { all: initial; display: block; }
.parley-embed {
  all: initial;
  display: block;
  font: 15px/1.4 var(--parley-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--parley-text, #1d1d1f);
}
.parley-embed *, .parley-embed *::before, .parley-embed *::after { box-sizing: border-box; }
.parley-embed-root {
  position: fixed;
  inset-block-end: 20px;
  z-index: 2147483000;
}
/* the host's corner: physical, it does not turn with the widget's language */
.parley-embed-right { right: 20px; }
.parley-embed-left { left: 20px; }
.parley-embed-launcher {
  position: relative;
  width: 56px;
  height: 56px;
  margin: 0;
  padding: 0;
  border: 0;
  border-radius: 50%;
  background: var(--parley-accent, #0b6e4f);
  color: var(--parley-on-accent, #fff);
  box-shadow: 0 4px 14px rgb(0 0 0 / 25%);
  cursor: pointer;
  display: grid;
  place-items: center;
}
.parley-embed-launcher:focus-visible {
  outline: 3px solid var(--parley-focus, var(--parley-accent-text, var(--parley-accent, #0b6e4f)));
  outline-offset: 3px;
}
`
