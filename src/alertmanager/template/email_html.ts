// email.default.html: the HTML email Alertmanager 0.25 sends by default — a header cell
// (red while firing, green once resolved), a "View in Alertmanager" button, then each firing and
// resolved alert's labels and annotations. Its layout and inline styles follow Alertmanager's,
// which derive from Mailgun's transactional email templates (MIT License, Copyright (c) 2014
// Mailgun); the markup here is assembled from named pieces so the repeated styles are written
// once, and expands to the same HTML as Alertmanager's for the same data.
const FONT = "font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box;";
/** The style nearly every element carries. */
const BASE = `margin: 0; ${FONT} font-size: 14px;`;
const TOP = `${BASE} vertical-align: top;`;
const BR = `<br style="${BASE}">`;
const TR = `<tr style="${BASE}">`;
const BLOCK = `<td class="content-block" style="${TOP} padding: 0 0 20px;" valign="top">`;
const STRONG = (inner: string) => `<strong style="${BASE}">${inner}</strong>`;

const MEDIA = `@media only screen and (max-width: 640px) {
  body {
    padding: 0 !important;
  }

  h1,
h2,
h3,
h4 {
    font-weight: 800 !important;
    margin: 20px 0 5px !important;
  }

  h1 {
    font-size: 22px !important;
  }

  h2 {
    font-size: 18px !important;
  }

  h3 {
    font-size: 16px !important;
  }

  .container {
    padding: 0 !important;
    width: 100% !important;
  }

  .content {
    padding: 0 !important;
  }

  .content-wrap {
    padding: 10px !important;
  }

  .invoice {
    width: 100% !important;
  }
}`;

/** The coloured header cell; Alertmanager's resolved variant has a blank after each pair. */
function headerCell(kind: 'warning' | 'good', color: string, pairTail: string): string {
  return [
    `            <td class="alert alert-${kind}" style="margin: 0; ${FONT} vertical-align: top; font-size: 16px; color: #fff; font-weight: 500; padding: 20px; text-align: center; border-radius: 3px 3px 0 0; background-color: ${color};" valign="top" align="center" bgcolor="${color}">`,
    `              {{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}`,
    `                {{ .Name }}={{ .Value }}${pairTail}`,
    `              {{ end }}`,
    `            </td>`,
  ].join('\n');
}

/** One alert's rows, for {{ range .Alerts.Firing }} and {{ range .Alerts.Resolved }}. */
function alertRows(list: string): string[] {
  return [
    `                {{ range ${list} }}`,
    `                ${TR}`,
    `                  ${BLOCK}`,
    `                    ${STRONG('Labels')}${BR}`,
    `                    {{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}${BR}{{ end }}`,
    `                    {{ if gt (len .Annotations) 0 }}${STRONG('Annotations')}${BR}{{ end }}`,
    `                    {{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}${BR}{{ end }}`,
    `                    <a href="{{ .GeneratorURL }}" style="${BASE} color: #348eda; text-decoration: underline;">Source</a>${BR}`,
    `                  </td>`,
    `                </tr>`,
    `                {{ end }}`,
  ];
}

const countRow = (count: string, word: string): string[] => [
  `                ${TR}`,
  `                  ${BLOCK}`,
  `                    ${STRONG(`[{{ ${count} | len }}] ${word}`)}`,
  `                  </td>`,
  `                </tr>`,
];

const BODY = [
  '',
  '',
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
  `<html xmlns="http://www.w3.org/1999/xhtml" style="${BASE}">`,
  '<head>',
  '<meta name="viewport" content="width=device-width">',
  '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
  '<title>{{ template "__subject" . }}</title>',
  '<style>',
  MEDIA,
  '</style>',
  '</head>',
  '',
  `<body itemscope itemtype="http://schema.org/EmailMessage" style="${BASE} -webkit-font-smoothing: antialiased; -webkit-text-size-adjust: none; height: 100%; line-height: 1.6em; background-color: #f6f6f6; width: 100%;">`,
  '',
  `<table class="body-wrap" style="${BASE} background-color: #f6f6f6; width: 100%;" width="100%" bgcolor="#f6f6f6">`,
  `  ${TR}`,
  `    <td style="${TOP}" valign="top"></td>`,
  `    <td class="container" width="600" style="${FONT} font-size: 14px; vertical-align: top; display: block; max-width: 600px; margin: 0 auto; clear: both;" valign="top">`,
  `      <div class="content" style="${FONT} font-size: 14px; max-width: 600px; margin: 0 auto; display: block; padding: 20px;">`,
  `        <table class="main" width="100%" cellpadding="0" cellspacing="0" style="${BASE} background-color: #fff; border: 1px solid #e9e9e9; border-radius: 3px;" bgcolor="#fff">`,
  `          ${TR}`,
  '            {{ if gt (len .Alerts.Firing) 0 }}',
  headerCell('warning', '#E6522C', ''),
  '            {{ else }}',
  headerCell('good', '#68B90F', ' '),
  '            {{ end }}',
  '          </tr>',
  `          ${TR}`,
  `            <td class="content-wrap" style="${TOP} padding: 30px;" valign="top">`,
  `              <table width="100%" cellpadding="0" cellspacing="0" style="${BASE}">`,
  `                ${TR}`,
  `                  ${BLOCK}`,
  `                    <a href="{{ template "__alertmanagerURL" . }}" class="btn-primary" style="${BASE} text-decoration: none; color: #FFF; background-color: #348eda; border: solid #348eda; border-width: 10px 20px; line-height: 2em; font-weight: bold; text-align: center; cursor: pointer; display: inline-block; border-radius: 5px; text-transform: capitalize;">View in {{ template "__alertmanager" . }}</a>`,
  '                  </td>',
  '                </tr>',
  '                {{ if gt (len .Alerts.Firing) 0 }}',
  ...countRow('.Alerts.Firing', 'Firing'),
  '                {{ end }}',
  ...alertRows('.Alerts.Firing'),
  '',
  '                {{ if gt (len .Alerts.Resolved) 0 }}',
  '                  {{ if gt (len .Alerts.Firing) 0 }}',
  `                ${TR}`,
  `                  ${BLOCK}`,
  `                    ${BR}`,
  `                    <hr style="${BASE}">`,
  `                    ${BR}`,
  '                  </td>',
  '                </tr>',
  '                  {{ end }}',
  ...countRow('.Alerts.Resolved', 'Resolved'),
  '                {{ end }}',
  ...alertRows('.Alerts.Resolved'),
  '              </table>',
  '            </td>',
  '          </tr>',
  '        </table>',
  '',
  `        <div class="footer" style="${BASE} width: 100%; clear: both; color: #999; padding: 20px;">`,
  `          <table width="100%" style="${BASE}">`,
  `            ${TR}`,
  `              <td class="aligncenter content-block" style="margin: 0; ${FONT} vertical-align: top; padding: 0 0 20px; text-align: center; color: #999; font-size: 12px;" valign="top" align="center"><a href="{{ .ExternalURL }}" style="margin: 0; ${FONT} text-decoration: underline; color: #999; font-size: 12px;">Sent by {{ template "__alertmanager" . }}</a></td>`,
  '            </tr>',
  '          </table>',
  '        </div></div>',
  '    </td>',
  `    <td style="${TOP}" valign="top"></td>`,
  '  </tr>',
  '</table>',
  '',
  '</body>',
  '</html>',
  '',
  '',
].join('\n');

export const EMAIL_HTML_TEMPLATE = `{{ define "email.default.html" }}${BODY}{{ end }}`;
