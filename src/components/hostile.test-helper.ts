/** A sample of tests/abuse/xss-corpus.ts for component tests (components may not import tests/); the whole corpus runs in Chromium. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '**[x](javascript:alert(1))**',
  '`<svg onload=alert(1)>`',
  '- <iframe src="javascript:alert(1)">',
  '[a](https://ok.example" onmouseover="alert(1))',
  '_<b>x</b>_ [y](data:text/html,<script>alert(1)</script>)',
]
