#include "ner/serving/serve_page.h"

namespace ner {

const char* const kServePage = R"html(<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ner: Chinese named entities</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.3rem; }
  textarea { width: 100%; box-sizing: border-box; font-size: 1.05rem; padding: .5rem; }
  .controls { margin: .5rem 0 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  button { font-size: 1rem; padding: .3rem 1.2rem; }
  #result { line-height: 2.4; font-size: 1.1rem; white-space: pre-wrap; }
  mark.entity { padding: .15em .35em; border-radius: .35em; margin: 0 .1em; }
  mark.entity .label { font-size: .62em; font-weight: bold; margin-left: .4em; vertical-align: middle; text-transform: uppercase; }
  #legend span { display: inline-block; padding: .1em .5em; border-radius: .3em; margin-right: .4em; font-size: .85rem; }
  .nbest { margin-top: 1rem; border-top: 1px solid #ddd; }
  .nbest h2 { font-size: 1rem; }
  .path { margin: .3rem 0; }
  .path .probability { font-size: .85rem; color: #555; margin-right: .6rem; }
  #error { color: #b00020; }
</style>
</head>
<body>
<h1>Chinese named-entity recognition</h1>
<textarea id="text" rows="5" placeholder="输入中文文本，例如：李克强在北京会见了联合国秘书长。"></textarea>
<div class="controls">
  <button id="tag" type="button">Tag</button>
  <label><input id="confidence" type="checkbox" checked> confidences</label>
  <label>n-best <input id="nbest" type="number" min="0" max="100" value="0" style="width:4em"></label>
  <span id="status"></span>
</div>
<div id="legend"></div>
<div id="error"></div>
<div id="result"></div>
<div id="alternatives"></div>
<script>
"use strict";
// Colours by type in the spirit of displaCy; other types get one of the spare colours by their name.
const COLOURS = {PER: "#aa9cfc", NAME: "#aa9cfc", PERSON: "#aa9cfc", ORG: "#7aecec", LOC: "#ff9561", GPE: "#feca74",
                 TITLE: "#bfe1d9", EDU: "#c887fb", PRO: "#e4e7d2", CONT: "#ffeb80", RACE: "#bfeeb7"};
const SPARE = ["#9cc9cc", "#f0d0ff", "#e4e7d2", "#ffeb80", "#bfeeb7", "#ddd"];
function colour(type) {
  if (COLOURS[type]) return COLOURS[type];
  let h = 0;
  for (const c of type) h = (h * 31 + c.codePointAt(0)) >>> 0;
  return SPARE[h % SPARE.length];
}
// The text with its entities marked; offsets count code points, as the service's do.
function render(text, entities, into) {
  const chars = Array.from(text);
  let at = 0;
  into.textContent = "";
  for (const e of entities) {
    into.append(chars.slice(at, e.start).join(""));
    const mark = document.createElement("mark");
    mark.className = "entity";
    mark.dataset.type = e.type;
    mark.style.background = colour(e.type);
    mark.title = e.type + (e.confidence !== undefined ? " · confidence " + e.confidence.toFixed(3) : "");
    mark.append(chars.slice(e.start, e.end).join(""));
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = e.type;
    mark.append(label);
    into.append(mark);
    at = e.end;
  }
  into.append(chars.slice(at).join(""));
}
function legend(types) {
  const box = document.getElementById("legend");
  box.textContent = "";
  for (const type of [...types].sort()) {
    const item = document.createElement("span");
    item.textContent = type;
    item.style.background = colour(type);
    box.append(item);
  }
}
async function tag() {
  const text = document.getElementById("text").value;
  const nbest = parseInt(document.getElementById("nbest").value, 10) || 0;
  const request = {text: text, confidence: document.getElementById("confidence").checked};
  if (nbest > 0) request.nbest = nbest;
  const status = document.getElementById("status");
  document.getElementById("error").textContent = "";
  status.textContent = "tagging…";
  const started = performance.now();
  try {
    const response = await fetch("/v1/tag", {method: "POST", headers: {"Content-Type": "application/json"},
                                             body: JSON.stringify(request)});
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    render(answer.text, answer.entities, document.getElementById("result"));
    const types = new Set(answer.entities.map(e => e.type));
    const alternatives = document.getElementById("alternatives");
    alternatives.textContent = "";
    if (answer.nbest) {
      alternatives.className = "nbest";
      const heading = document.createElement("h2");
      heading.textContent = "The " + answer.nbest.length + " best tag paths";
      alternatives.append(heading);
      for (const path of answer.nbest) {
        const row = document.createElement("div");
        row.className = "path";
        const p = document.createElement("span");
        p.className = "probability";
        p.textContent = path.probability >= 1e-4 ? path.probability.toFixed(4) : path.probability.toExponential(1);
        const body = document.createElement("span");
        render(answer.text, path.entities, body);
        path.entities.forEach(e => types.add(e.type));
        row.append(p, body);
        alternatives.append(row);
      }
    }
    legend(types);
    status.textContent = answer.entities.length + " entities · " + Math.round(performance.now() - started) + " ms";
  } catch (error) {
    status.textContent = "";
    document.getElementById("error").textContent = "error: " + error.message;
  }
}
document.getElementById("tag").addEventListener("click", tag);
document.getElementById("text").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) tag(); });
</script>
</body>
</html>
)html";

}  // namespace ner
