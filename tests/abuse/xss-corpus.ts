/**
 * Hostile strings for rendering tests (QUALITY.md B7): OWASP XSS filter-evasion samples, links with
 * dangerous schemes, markdown link tricks, mXSS strings and template injection. Each payload that could
 * run tries to call `alert` (a dialog) or set `window.__pwned` (no dialog needed to notice).
 */
export const XSS_CORPUS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<<SCRIPT>alert("XSS");//<</SCRIPT>',
  "<IMG SRC=javascript:alert('XSS')>",
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<a href="javascript:alert(1)">click</a>',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  '&#106;avascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '[click me](javascript:alert(1))',
  '[x](data:text/html,<script>alert(1)</script>)',
  '![a](x" onerror="alert(1))',
  '<https://example.com/" onmouseover="alert(1)>',
  'https://example.com/"onmouseover="alert(1)',
  "https://example.com/'><script>alert(1)</script>",
  'mailto:a@example.com?body=<script>alert(1)</script>',
  '{{constructor.constructor("alert(1)")()}}',
  '%3Cscript%3Ealert(1)%3C/script%3E',
  '\u003cscript\u003ealert(1)\u003c/script\u003e',
]

/** Elements a message may contain; anything else in a transcript came from a payload. */
// the formatting subset (bold, italic, code, lists) is rendered as elements too; `rect` is in the desk's
// drawn bot avatar
export const ALLOWED_MESSAGE_TAGS = ['DIV', 'P', 'SPAN', 'A', 'BDI', 'TIME', 'BUTTON', 'svg', 'path', 'circle', 'rect', 'STRONG', 'EM', 'CODE', 'UL', 'OL', 'LI']
