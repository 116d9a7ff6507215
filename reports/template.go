package reports

import (
	"crypto/sha256"
	"encoding/base64"
)

// pageCSS is the report's only stylesheet, inline; the Content-Security-
// Policy admits it by its hash and nothing else.
const pageCSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--xfail:#9a6700;--upass:#8250df;--skip:#6e7781;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0 auto;max-width:1400px;padding:16px 24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg2);border:1px solid var(--line);border-radius:4px;padding:6px 8px;margin:4px 0;max-height:480px;overflow:auto}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:baseline}
th{background:var(--bg2);font-weight:600}
td,th,p,li,pre,code{unicode-bidi:plaintext}
.matrix td.cell{padding:0}.matrix td.cell a{display:block;padding:4px 8px;color:inherit;text-decoration:none;font-weight:600}
.matrix td.cell a:hover{text-decoration:underline}.matrix td.none{color:var(--skip);text-align:center}
.matrix small{display:block;font-weight:400}
.v-pass{background:#dafbe1;color:#0f5323}.v-fail{background:#ffebe9;color:#a40e26}.v-xfail{background:#fff8c5;color:#7d4e00}
.v-upass{background:#fbefff;color:#6639ba}.v-skip{background:#eaeef2;color:#424a53}.v-other{background:#eaeef2}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-weight:600;font-size:12px}
.status{font-size:16px;padding:6px 10px;border-radius:6px;display:inline-block;margin:6px 0}
.cell-detail{border:1px solid var(--line);border-radius:6px;padding:4px 14px 12px;margin:14px 0}
.result{border-top:1px dashed var(--line);padding-top:6px;margin-top:10px}
.kv th{width:11em}table.documented td{vertical-align:top;width:50%}.muted{color:var(--skip)}.small{font-size:12px}
nav ul{columns:3;margin:4px 0;padding-left:18px}
figure{margin:8px 0;overflow-x:auto}figcaption{font-size:12px;color:var(--skip)}
svg.msc{background:#fff;border:1px solid var(--line)}
svg.msc text{font:11px ui-monospace,Menlo,Consolas,monospace;fill:#1f2328}
svg.msc .lane{stroke:#8c959f;stroke-dasharray:4 3}svg.msc .lanehead{fill:var(--bg2);stroke:#8c959f}
svg.msc text.head{font-weight:700}svg.msc text.seq{fill:#6e7781}
svg.msc path{fill:none}svg.msc .msg{stroke:#1f2328;stroke-width:1.3}svg.msc .head{fill:#1f2328}
svg.msc g.ev-send .msg{stroke:#57606a;stroke-dasharray:5 3}svg.msc g.ev-send .head{fill:#57606a}
svg.msc g.ev-deliver .msg{stroke:#0969da}svg.msc g.ev-deliver .head{fill:#0969da}
svg.msc g.ev-online .msg{stroke:#1a7f37;stroke-dasharray:2 2}svg.msc g.ev-online .head{fill:#1a7f37}
svg.msc g.ev-reject .msg{stroke:var(--fail)}svg.msc g.ev-reject .head{fill:var(--fail)}svg.msc g.ev-reject text.lbl{fill:var(--fail)}
svg.msc .cross{stroke:var(--fail);stroke-width:2.4}
svg.msc .fault{stroke:#bc4c00;stroke-width:2;stroke-dasharray:1 3}svg.msc .bolt{fill:#fb8500;stroke:#bc4c00}
svg.msc text.fault-lbl{fill:#bc4c00;font-weight:700}
svg.msc .crash{stroke:var(--fail);stroke-width:3}svg.msc text.crash-lbl{fill:var(--fail);font-weight:700}
svg.msc .restart{fill:#fff;stroke:var(--pass);stroke-width:2.5}svg.msc text.restart-lbl{fill:var(--pass);font-weight:700}
svg.msc .dot{fill:#8c959f}svg.msc .mark{fill:#fff;stroke:#57606a}svg.msc text.note{fill:#57606a;font-style:italic}
svg.msc g:hover text{font-weight:700}
svg.msc rect.session{fill:#f1f8ff}svg.msc rect.broke-row{fill:#ffd8d3}
svg.msc g.after{opacity:.4}svg.msc g.broke text.lbl,svg.msc g.broke text.seq{font-weight:700;fill:#a40e26}
svg.msc .broke-rule{stroke:var(--fail);stroke-width:2;stroke-dasharray:6 3}svg.msc text.broke-lbl{fill:var(--fail);font-weight:700}
svg.msc .fold-rule{stroke:#d0d7de;stroke-dasharray:2 3}svg.msc text.fold{fill:#8c959f}
.cx-cause{display:flex;flex-wrap:wrap;gap:10px}.cx-cause .cause{flex:1 1 420px;min-width:0}
.cause-head{font-size:12px;font-weight:600;color:var(--skip);text-transform:uppercase;letter-spacing:.04em}
.cause-doc pre{border-left:4px solid var(--xfail)}.cause-obs pre{border-left:4px solid var(--fail)}
.cx-focus{display:flex;flex-wrap:wrap;align-items:flex-start;gap:12px}.cx-focus figure{flex:0 1 auto;width:min-content;max-width:100%}
.cx-diffs{flex:1 1 340px;min-width:300px;margin-top:8px}.diff-title{font-size:12px;font-weight:600}
pre.diff .del{display:block;background:#ffebe9;color:#a40e26}pre.diff .add{display:block;background:#dafbe1;color:#0f5323}pre.diff .ctx{display:block}
pre.diff{white-space:pre;overflow-x:auto}
pre.cx-trace .run{color:#0969da;font-weight:600}pre.cx-trace .broke{background:#ffd8d3;color:#a40e26;font-weight:700}
details.cx-setup{margin:6px 0}details.cx-setup summary{cursor:pointer;color:var(--skip)}
.legend span{margin-right:12px}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 nav,.noprint{display:none}
 a{color:inherit;text-decoration:none}
 pre{max-height:none;overflow:visible}
 .cell-detail{break-inside:auto}figure,table.matrix,.kv{break-inside:avoid}
 figure{overflow:visible}svg.msc{max-width:100%;height:auto}
 h2,h3{break-after:avoid}
 .v-pass,.v-fail,.v-xfail,.v-upass,.v-skip{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 @page{margin:12mm}
}
`

// cspHash is the CSP source of pageCSS.
var cspHash = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// csp forbids every load and every script; only the inline stylesheet,
// by its hash, applies.
var csp = "default-src 'none'; style-src " + cspHash + "; img-src data:; base-uri 'none'; form-action 'none'; object-src 'none'"

// mscHTML draws a diagram as inline SVG.
const mscHTML = `{{define "msc"}}<svg class="msc" xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="message sequence diagram">
{{- range .Bands}}
<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}"><title>{{.Title}}</title></rect>
{{- end}}
{{- $bottom := .LaneBottom}}
{{- range .Lanes}}
<g class="lanegroup"><title>{{.Title}}</title><line class="lane" x1="{{.X}}" y1="30" x2="{{.X}}" y2="{{$bottom}}"/><rect class="lanehead" x="{{.RX}}" y="6" width="132" height="22" rx="4" ry="4"/><text class="head" x="{{.X}}" y="22" text-anchor="middle">{{.Name}}</text></g>
{{- end}}
{{- range .Events}}
<g class="{{.Class}}"><title>{{.Title}}</title>
{{- range .Paths}}<path class="{{.Class}}" d="{{.D}}"/>{{end}}
{{- range .Circles}}<circle class="{{.Class}}" cx="{{.X}}" cy="{{.Y}}" r="{{.R}}"/>{{end}}
{{- range .Texts}}<text class="{{.Class}}" x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>{{end}}</g>
{{- end}}
</svg>{{end}}`

var pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + csp + `">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dualoffline reports">
<title>{{.Title}}</title>
<style>` + pageCSS + `</style>
</head>
<body>
<header id="top">
<h1>{{.Title}}</h1>
<div class="muted">{{.Env.Module}} {{.Env.Version}} · {{.Env.GoVersion}} · suites {{.Env.Suites}} · seed {{.Env.Seed}} · {{.Env.Checks}} checks · started {{if .Env.Started}}{{.Env.Started}}{{else}}(unknown){{end}}</div>
<div class="status {{.StatusCls}}" id="status">{{.Status}}</div>
<div>{{.Total}} properties:{{range .Counts}} <span class="badge {{.Class}}">{{.N}} {{.Verdict}}</span>{{end}}</div>
</header>
<nav class="noprint">
<ul>
<li><a href="#matrix">Matrix</a></li>
{{- if .Unexpected}}<li><a href="#unexpected">Unexpected results</a></li>{{end}}
<li><a href="#details">Cell details</a></li>
{{- if .Mutants}}<li><a href="#mutants">Mutant score</a></li>{{end}}
{{- if .Vectors}}<li><a href="#vectors">Vector results</a></li>{{end}}
{{- if .GoTest}}<li><a href="#gotest">go test</a></li>{{end}}
<li><a href="#env">Environment</a></li>
</ul>
</nav>
<main>
<section id="matrix">
<h2>Matrix</h2>
<p class="small muted legend"><span class="badge v-pass">pass</span><span class="badge v-xfail">expected-fail</span><span class="badge v-skip">skip</span><span class="badge v-fail">FAIL</span><span class="badge v-upass">UNEXPECTED-PASS</span><span class="badge v-fail">SEED-DEPENDENT</span> cell: summary verdict, properties with it / properties in the cell</p>
<table class="matrix">
<thead><tr><th>target</th><th>suite</th>{{range .Reqs}}<th title="{{.Stated}}">{{.ID}} {{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr><th class="target">{{.Target}}</th><td>{{.Suite}}</td>{{range .Cells}}{{if .Present}}<td class="cell {{.Class}}"><a href="#{{.Anchor}}">{{.Text}}{{if .Sub}}<small>{{.Sub}}</small>{{end}}</a></td>{{else}}<td class="none">–</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>
</section>
{{- if .Unexpected}}
<section id="unexpected">
<h2>Unexpected results</h2>
<ul>{{range .Unexpected}}<li><a href="#{{.Anchor}}"><span class="badge {{.Class}}">{{.Text}}</span></a></li>{{end}}</ul>
</section>
{{- end}}
<section id="details">
<h2>Cell details</h2>
{{- range .Cells}}
<section class="cell-detail" id="{{.Anchor}}">
<h3><span class="badge {{.Class}}">{{.Verdict}}</span> {{.Target}} / {{.Suite}} / {{.Req}} {{.ReqName}}</h3>
<div class="small muted">{{.Counts}} · <a href="#matrix" class="noprint">back to the matrix</a></div>
<table class="props">
<thead><tr><th>sub-property</th><th>property</th><th>verdict</th><th>runs</th><th>seed</th><th>time</th></tr></thead>
<tbody>{{range .Results}}<tr><td>{{.Sub}} {{.SubTitle}}</td><td><a href="#{{.Anchor}}">{{.Property}}</a></td><td class="{{.Class}}">{{.Verdict}}</td><td>{{.Runs}}</td><td class="mono">{{.Seed}}</td><td>{{.Duration}}</td></tr>{{end}}</tbody>
</table>
{{- range .Results}}
<div class="result" id="{{.Anchor}}">
<h4><span class="badge {{.Class}}">{{.Verdict}}</span> {{.Sub}}-{{.Property}}</h4>
<p>{{.Doc}}</p>
<table class="kv">
<tr><th>runs</th><td>{{.Runs}}</td></tr>
<tr><th>seed</th><td class="mono">{{.Seed}}</td></tr>
<tr><th>replay</th><td><code>{{.Replay}}</code></td></tr>
</table>
{{- if .Reason}}<h4>Reason</h4><pre class="reason">{{.Reason}}</pre>{{end}}
{{- with .Documented}}
<h4>Documented violation</h4>
<table class="documented"><thead><tr><th>documented cause</th><th>observed cause</th></tr></thead>
<tbody><tr><td>{{.Reason}}<br><span class="small">witness: <code>{{.Witness}}</code></span></td><td>{{if .Observed}}<pre class="reason">{{.Observed}}</pre>{{else}}<span class="muted">none: the property held</span>{{end}}</td></tr>
<tr><td colspan="2" class="{{.Class}}">{{.Status}}</td></tr></tbody></table>
{{- end}}
{{- if .Notes}}<h4>Notes</h4><ul class="notes">{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{- with .Game}}
<h4>Anonymity game</h4>
<p>{{.Trials}} trials{{if .Planned}} of N = {{.Planned}}{{end}}; bound ε = {{.Epsilon}}: each distinguisher's 99% interval must lie within ½ ± ε = {{.Bound}}. <span class="badge {{.Class}}">{{.Verdict}}</span>{{if .Traced}} · the central bank's trace recovered the payer in {{.Traced}} trials{{end}}</p>
{{- if .Planned}}
<table class="kv"><tr><th>outcome</th><td>{{.Outcome}}</td></tr><tr><th>N</th><td>{{.Planned}} (confidence {{.Confidence}}, β = {{.Beta}})</td></tr><tr><th>trials run</th><td>{{.Trials}}</td></tr><tr><th>sequential rule</th><td>{{.Rule}}</td></tr></table>
{{- end}}
<table class="game"><thead><tr><th>distinguisher</th><th>success</th><th>advantage |p − ½|</th><th>99% interval</th><th>worst-case advantage</th><th>bound ε</th><th></th><th>keyed on</th></tr></thead>
<tbody>{{$eps := .Epsilon}}{{range .Rows}}<tr><td>{{.Name}}</td><td>{{.Success}}</td><td>{{.Advantage}}</td><td>{{.Interval}}</td><td>{{.Worst}}</td><td>{{$eps}}</td><td class="{{.Class}}">{{.Within}}</td><td>{{.Leak}}</td></tr>{{end}}</tbody></table>
{{- end}}
{{- with .Cx}}
<h4>Counterexample</h4>
<div class="cx-cause">
{{- if .Documented}}
<div class="cause cause-doc"><div class="cause-head">documented cause</div><pre class="cx-documented">{{.Documented}}</pre>
{{- if .Witness}}<div class="cause-head">witness</div><pre class="cx-witness">{{.Witness}}</pre>{{end}}
</div>
{{- end}}
<div class="cause cause-obs">{{if .Documented}}<div class="cause-head">observed</div>{{end}}<pre class="cx-message">{{.Message}}</pre></div>
</div>
{{- if .Status}}<p class="cx-status {{.StatusClass}}">{{.Status}}</p>{{end}}
{{- if .Plan}}<p>fault plan: <code>{{.Plan}}</code></p>{{end}}
{{- if or .Diagram .Diffs}}
<div class="cx-focus">
{{- with .Diagram}}
<figure class="msc run">
{{template "msc" .}}
<figcaption>The run under test: events #{{.First}}–#{{.Last}}{{if .Omitted}}; the first {{.Omitted}} of its {{.Total}} rows are not drawn{{end}}{{if .After}}; {{.After}} later rows are not drawn{{end}}{{if .Folded}}; {{.Folded}} bookkeeping events are folded into rows of their own{{end}}. {{if .Broke}}The property broke after #{{.Broke}} (red band); what follows is dimmed. {{end}}Shaded: a session of the protocol. Dashed grey: sent; blue: delivered; red with ✗: rejected; orange ⚡: fault; red ✕ on a lane: crash; green ○: restart; italic: state and notes. Hover an event for its full text.</figcaption>
</figure>
{{- end}}
{{- if .Diffs}}
<div class="cx-diffs">{{range .Diffs}}<div class="cx-diff"><div class="diff-title">{{.Title}}</div><pre class="diff">{{range .Lines}}<span class="{{.Class}}">{{.Text}}</span>{{end}}</pre></div>{{end}}</div>
{{- end}}
</div>
{{- end}}
{{- $kinds := .SetupKinds}}
{{- with .Setup}}
<details class="cx-setup"><summary>Setup before the run: {{.Total}} events ({{$kinds}}), collapsed</summary>
<figure class="msc">
{{template "msc" .}}
<figcaption>{{if .Omitted}}The last {{len .Events}} of {{.Total}} setup events are drawn; the first {{.Omitted}} are omitted.{{else}}All {{.Total}} setup events.{{end}}</figcaption>
</figure>
</details>
{{- end}}
{{- if .Log}}<h4>Log of the minimal case</h4><pre class="cx-log">{{range .Log}}{{.}}
{{end}}</pre>{{end}}
{{- if .Events}}<details class="noprint"><summary>trace as text ({{len .Events}} events)</summary><pre class="cx-trace">{{range .Events}}{{if .Class}}<span class="{{.Class}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}
{{end}}</pre></details>{{end}}
{{- end}}
</div>
{{- end}}
</section>
{{- end}}
</section>
{{- with .Mutants}}
<section id="mutants">
<h2>Mutant score</h2>
<p>{{.Killed}} of {{.Total}} mutants killed by the requirement they break ({{.Score}}); {{.Alarms}} false alarms on the reference models; suite {{.Suite}}, {{.Checks}} checks per property, {{.Duration}}.</p>
<table><thead><tr><th>requirement</th><th>killed / mutants</th></tr></thead>
<tbody>{{range .ByReq}}<tr><td>{{.ID}} {{.Name}}</td><td class="{{.Class}}">{{.Ratio}}</td></tr>{{end}}</tbody></table>
<table class="mutants"><thead><tr><th>mutant</th><th>scheme</th><th>breaks</th><th>status</th><th>killed by</th><th>also failed</th><th>what it does</th></tr></thead>
<tbody>{{range .Runs}}<tr><td class="mono">{{.Mutant}}</td><td class="mono">{{.Scheme}}</td><td>{{.Breaks}}</td><td class="{{.Class}}">{{.Status}}</td><td class="small">{{.KilledBy}}</td><td class="small">{{.Also}}</td><td>{{.Doc}}</td></tr>{{end}}</tbody></table>
{{- if .Coverage}}
<h3 id="coverage">Coverage per sub-property</h3>
<p class="small muted">Each sub-property needs a mutant that a property of it kills and a target on which all its properties pass; a sub-property missing either is a gap.</p>
<table class="coverage"><thead><tr><th>sub-property</th><th>status</th><th>mutants killed</th><th>passes on</th></tr></thead>
<tbody>{{range .Coverage}}<tr><td>{{.Sub}} {{.Title}}</td><td class="{{.Class}}">{{.Status}}</td><td class="small mono">{{.Killed}}</td><td class="small mono">{{.PassesOn}}</td></tr>{{end}}</tbody></table>
{{- end}}
</section>
{{- end}}
{{- if .Vectors}}
<section id="vectors">
<h2>Vector results</h2>
{{- if .VecVersion}}<p>vectors {{.VecVersion}}</p>{{end}}
{{- range .Vectors}}
<h3>{{.Target}} {{.Suite}} {{.File}}</h3>
<table><thead><tr><th>flag</th><th>pass</th><th>mismatch</th><th>skip</th><th>error</th></tr></thead>
<tbody>{{range .Flags}}<tr class="{{.Class}}"><td>{{.Flag}}</td><td>{{.Pass}}</td><td>{{.Mismatch}}</td><td>{{.Skip}}</td><td>{{.Errors}}</td></tr>{{end}}</tbody></table>
{{- if .Failures}}<table><thead><tr><th>tcId</th><th>file</th><th>status</th><th>flags</th><th>detail</th></tr></thead>
<tbody>{{range .Failures}}<tr><td>{{.TcID}}</td><td>{{.File}}</td><td class="v-fail">{{.Status}}</td><td>{{.Flags}}</td><td><pre>{{.Detail}}</pre></td></tr>{{end}}</tbody></table>{{end}}
{{- end}}
</section>
{{- end}}
{{- with .GoTest}}
<section id="gotest">
<h2>go test</h2>
<p>{{.Run}} tests: {{.Pass}} pass, {{.Fail}} fail, {{.Skip}} skip.</p>
<table><thead><tr><th>package</th><th>result</th><th>pass</th><th>fail</th><th>skip</th><th>time</th></tr></thead>
<tbody>{{range .Packages}}<tr><td class="mono">{{.Name}}</td><td class="{{.Class}}">{{.Action}}</td><td>{{.Pass}}</td><td>{{.Fail}}</td><td>{{.Skip}}</td><td>{{.Elapsed}}</td></tr>{{end}}</tbody></table>
{{- range .Packages}}{{if or .Tests .Output}}
<h3 class="mono">{{.Name}}</h3>
{{- if .Output}}<pre>{{.Output}}</pre>{{end}}
{{- range .Tests}}<h4><span class="badge {{.Class}}">{{.Action}}</span> <span class="mono">{{.Name}}</span> ({{.Elapsed}})</h4>{{if .Output}}<pre>{{.Output}}</pre>{{end}}{{end}}
{{- end}}{{end}}
</section>
{{- end}}
<section id="env">
<h2>Environment</h2>
<table class="kv">
<tr><th>module</th><td class="mono">{{.Env.Module}}</td></tr>
<tr><th>version</th><td class="mono">{{.Env.Version}}</td></tr>
<tr><th>Go</th><td class="mono">{{.Env.GoVersion}}</td></tr>
<tr><th>suites</th><td>{{.Env.Suites}}</td></tr>
<tr><th>seed</th><td class="mono">{{.Env.Seed}}</td></tr>
<tr><th>checks per property</th><td>{{.Env.Checks}}</td></tr>
<tr><th>steps</th><td>{{.Env.Steps}}</td></tr>
{{- if .VecVersion}}<tr><th>vectors</th><td>{{.VecVersion}}</td></tr>{{end}}
<tr><th>date</th><td>{{.Env.Started}}</td></tr>
{{- range .Env.Params}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}
</table>
</section>
</main>
</body>
</html>
`
