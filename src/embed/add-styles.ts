/**
 * @module embed/add-styles
 * CSS into the widget's shadow root, shared by the launcher and the panel (which adds the CSS of the
 * parts it loads later).
 */

/** Constructable stylesheets are outside CSP's reach; the `<style>` fallback carries the nonce. */
export function addStyles(root: ShadowRoot, css: string, nonce: string | undefined): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    return
  }
  const style = document.createElement('style')
  if (nonce) style.nonce = nonce
  style.textContent = css
  root.append(style)
}
