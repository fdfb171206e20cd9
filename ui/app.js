// The face-analysis page: plain JavaScript, no dependencies, no build step.
// Every drawing is made on a canvas the size of the decoded photo (its natural
// size, EXIF orientation applied by the browser as for any <img>), in the same
// original-image pixels the API answers in; CSS scales the canvas to the screen,
// so the overlay stays on the right pixels at any size.
"use strict";

const COLOURS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
                 "#f032e6", "#9a6324", "#469990", "#808000"];
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};
const api = (path) => new URL("../" + path, location.href);  // works behind a path prefix

// ------------------------------------------------------------------ API calls
async function post(path, form) {
  const headers = {};
  const key = $("#api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  let response;
  try {
    response = await fetch(api(path), { method: "POST", body: form, headers });
  } catch (problem) {
    throw new ApiError(0, `the server could not be reached (${problem.message})`, null);
  }
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch (_) { /* not JSON: shown as text */ }
  if (!response.ok) {
    const detail = body && body.detail !== undefined
      ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail))
      : text.slice(0, 2000) || response.statusText;
    throw new ApiError(response.status, detail, body ?? text);
  }
  return body;
}

class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail);
    this.status = status;
    this.body = body;
  }
}

// ------------------------------------------------------------------ panels
function panel(id) {
  const root = document.getElementById(id);
  return {
    root,
    busy(message) {
      root.dataset.state = "busy";
      $(".status", root).textContent = message;
      $(".error", root).hidden = true;
    },
    done(message) {
      root.dataset.state = "done";
      $(".status", root).textContent = message;
    },
    fail(problem) {
      root.dataset.state = "error";
      const box = $(".error", root);
      box.hidden = false;
      box.textContent = problem instanceof ApiError
        ? (problem.status ? `HTTP ${problem.status}: ${problem.message}` : problem.message)
        : `the page failed: ${problem.message}`;
      $(".status", root).textContent = "";
      // no answer to draw: the canvases go back to their empty size, which CSS hides
      for (const canvas of root.querySelectorAll(".stage canvas")) {
        canvas.width = 300; canvas.height = 150; canvas.dataset.boxes = "0";
      }
      if (problem instanceof ApiError) raw(root, problem.body);
    },
  };
}

function raw(root, answers) {
  const pre = $(".raw pre", root);
  pre.textContent = typeof answers === "string" ? answers : JSON.stringify(answers, null, 2);
}

// ------------------------------------------------------------------ photos
// A file the browser can decode becomes an ImageBitmap-like <img> at its natural
// size; a PDF (or anything the browser cannot decode) has no picture here, so the
// overlay is drawn on a blank page of the size the API reports.
const isPdf = (file) => file && (file.type === "application/pdf" || /\.pdf$/i.test(file.name));

function loadPicture(file) {
  return new Promise((resolve) => {
    if (!file || isPdf(file)) {
      resolve(null);
      return;
    }
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = url;
  });
}

class Stage {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.picture = null;
    this.shapes = [];      // {box, colour, label, points, mesh, axes, index}
    this.selected = -1;
    this.onpick = null;
    canvas.addEventListener("click", (event) => this.click(event));
  }

  show(picture, width, height, why = "PDF: the server renders the page; boxes on a blank page") {
    this.picture = picture;
    this.why = why;
    this.canvas.width = picture ? picture.naturalWidth : Math.max(1, Math.round(width || 640));
    this.canvas.height = picture ? picture.naturalHeight : Math.max(1, Math.round(height || 480));
    this.canvas.classList.toggle("blank", !picture);
    this.shapes = [];
    this.selected = -1;
    this.draw();
  }

  set(shapes) {
    this.shapes = shapes;
    this.canvas.dataset.boxes = String(shapes.filter((s) => s.box).length);
    this.draw();
  }

  select(index) {
    this.selected = index;
    this.draw();
  }

  draw() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.picture) {
      ctx.drawImage(this.picture, 0, 0);
    } else {
      ctx.fillStyle = "#d9dde3";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = "#555";
      ctx.font = `${Math.max(14, canvas.width / 30)}px sans-serif`;
      ctx.fillText(this.why, 10, Math.max(24, canvas.width / 25), canvas.width - 20);
    }
    // line widths in screen pixels, whatever the photo's size
    const scale = canvas.width / Math.max(1, canvas.getBoundingClientRect().width || canvas.width);
    const line = Math.max(2, 2 * scale);
    this.shapes.forEach((shape, i) => {
      const on = this.selected === -1 || this.selected === shape.index;
      ctx.globalAlpha = on ? 1 : 0.35;
      if (shape.mesh) {
        ctx.fillStyle = "#7fffd4";
        const dot = 1.6 * scale;  // about 1.6 screen pixels, whatever the photo's size
        for (const [x, y] of shape.mesh) ctx.fillRect(x - dot / 2, y - dot / 2, dot, dot);
      }
      if (shape.box) {
        const [x1, y1, x2, y2] = shape.box;
        ctx.lineWidth = this.selected === shape.index ? line * 2 : line;
        ctx.strokeStyle = shape.colour;
        if (shape.dashed) ctx.setLineDash([6 * scale, 4 * scale]);
        ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
        ctx.setLineDash([]);
        if (shape.label) {
          ctx.font = `${Math.round(13 * scale)}px sans-serif`;
          const w = ctx.measureText(shape.label).width + 6 * scale;
          ctx.fillStyle = shape.colour;
          ctx.fillRect(x1, Math.max(0, y1 - 17 * scale), w, 17 * scale);
          ctx.fillStyle = "#fff";
          ctx.fillText(shape.label, x1 + 3 * scale, Math.max(13 * scale, y1 - 4 * scale));
        }
      }
      for (const [x, y] of shape.points || []) {
        ctx.fillStyle = shape.colour;
        ctx.beginPath();
        ctx.arc(x, y, 2.5 * scale, 0, 2 * Math.PI);
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = scale;
        ctx.stroke();
      }
      if (shape.axes) this.axes(shape.axes, line);
    });
    ctx.globalAlpha = 1;
  }

  // head-pose axes from yaw / pitch / roll (degrees), drawn at the nose
  axes({ x, y, yaw, pitch, roll, size }, line) {
    const r = (d) => (d * Math.PI) / 180;
    const [p, q, s] = [r(pitch), -r(yaw), r(roll)];
    const X = [Math.cos(q) * Math.cos(s), Math.cos(p) * Math.sin(s) + Math.cos(s) * Math.sin(p) * Math.sin(q)];
    const Y = [-Math.cos(q) * Math.sin(s), Math.cos(p) * Math.cos(s) - Math.sin(p) * Math.sin(q) * Math.sin(s)];
    const Z = [Math.sin(q), -Math.cos(q) * Math.sin(p)];
    const { ctx } = this;
    ctx.lineWidth = line;
    for (const [v, colour] of [[X, "#ff3030"], [Y, "#30d030"], [Z, "#3080ff"]]) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + v[0] * size, y + v[1] * size);
      ctx.stroke();
    }
  }

  click(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * this.canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * this.canvas.height) / rect.height;
    // the smallest box under the pointer, so a face inside another box can be picked
    const hits = this.shapes.filter((s) => s.box && x >= s.box[0] && x <= s.box[2]
                                     && y >= s.box[1] && y <= s.box[3]);
    hits.sort((a, b) => area(a.box) - area(b.box));
    const index = hits.length ? hits[0].index : -1;
    this.select(index);
    if (this.onpick) this.onpick(index);
  }
}

const blankWhy = (file) => (isPdf(file) ? undefined
  : "this browser cannot show this file; boxes on a blank image of its size");
const area = (b) => (b[2] - b[0]) * (b[3] - b[1]);
const pct = (v) => (v === null || v === undefined ? "n/a" : `${Math.round(v * 100)}%`);
const num = (v, digits = 2) => (typeof v === "number" ? v.toFixed(digits) : v ?? "n/a");

// cards: one per face; clicking a card selects its face on the stage, and back
function cards(list, stage, items) {
  list.replaceChildren(...items.map((content, index) => {
    const card = el("li", { className: "card", tabIndex: 0 });
    card.dataset.index = String(index);
    card.append(...content);
    const pick = () => {
      const again = stage.selected === index;
      stage.select(again ? -1 : index);
      mark(list, again ? -1 : index);
    };
    card.addEventListener("click", pick);
    card.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
    });
    return card;
  }));
  list.dataset.count = String(items.length);
  stage.onpick = (index) => {
    mark(list, index);
    if (index >= 0) list.children[index].scrollIntoView({ block: "nearest" });
  };
}

function mark(list, index) {
  [...list.children].forEach((card, i) => card.classList.toggle("selected", i === index));
}

function bar(label, value) {
  const fill = el("span", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return el("div", { className: "bar" }, el("span", { className: "name", textContent: label }),
            el("span", { className: "track" }, fill),
            el("span", { className: "value", textContent: pct(value) }));
}

function row(name, value) {
  return el("div", { className: "row" }, el("dt", { textContent: name }),
            el("dd", { textContent: value }));
}

function swatch(name, colour) {
  if (!colour || !colour.hex) return row(name, colour && colour.reason ? colour.reason : "n/a");
  const chip = el("span", { className: "chip" });
  chip.style.background = colour.hex;
  return el("div", { className: "row" }, el("dt", { textContent: name }),
            el("dd", {}, chip, ` ${colour.name || colour.category || ""} ${colour.hex}`));
}

// a field the API could not compute arrives as null (or {value: null, reason})
function said(value, fmt) {
  if (value === null || value === undefined) return "n/a";
  if (typeof value === "object" && value.value === null) return `n/a (${value.reason || "not computed"})`;
  return fmt(value);
}

function checksOf(qaa) {
  if (!qaa) return [];
  return Object.entries(qaa).filter(([, c]) => c && typeof c === "object" && "passed" in c);
}

// ------------------------------------------------------------------ Analyze
const analyzeStage = new Stage($("#analyze-canvas"));
let analyzeFile = null;

function faceShape(face, index, extras) {
  const box = face.bbox;
  const points = face.landmarks && !Array.isArray(face.landmarks)
    ? Object.values(face.landmarks).filter(Array.isArray) : [];
  const pose = face.pose && typeof face.pose.yaw === "number" ? face.pose : null;
  const nose = face.landmarks && face.landmarks.nose;
  return {
    index, box, points, colour: COLOURS[index % COLOURS.length], label: String(index + 1),
    mesh: extras.mesh ? face.landmarks_mesh : null,
    axes: extras.axes && pose && nose ? { x: nose[0], y: nose[1], yaw: pose.yaw,
      pitch: pose.pitch, roll: pose.roll, size: 0.5 * (box[2] - box[0]) } : null,
  };
}

function faceCard(face, index, quality) {
  const parts = [el("h3", { textContent: `Face ${index + 1}` }, el("span",
    { className: "hint", textContent: ` ${pct(face.confidence)} detection` }))];
  const facts = el("dl");
  if ("age" in face) facts.append(row("age", said(face.age, (a) => `${num(a, 0)}${face.age_bracket ? ` (${face.age_bracket})` : ""}`)));
  if (face.gender) facts.append(row("gender", said(face.gender, (g) => `${g.value} ${pct(g.confidence)}`)));
  if (face.pose) facts.append(row("pose", said(face.pose, (p) => `yaw ${num(p.yaw, 1)}°, pitch ${num(p.pitch, 1)}°, roll ${num(p.roll, 1)}°`)));
  if (face.smiling) facts.append(row("smile", said(face.smiling, (s) => (s.value ? "yes" : "no") + (s.score !== undefined ? ` (${pct(s.score)})` : ""))));
  if (face.eyes_open) facts.append(row("eyes", said(face.eyes_open, (e) => `left ${e.left && e.left.open ? "open" : "closed"}, right ${e.right && e.right.open ? "open" : "closed"}`)));
  if (face.mouth_open) facts.append(row("mouth", said(face.mouth_open, (m) => (m.value ? "open" : "closed"))));
  for (const [key, name] of [["skin_tone", "skin"], ["hair_colour", "hair"], ["eye_colour", "eyes"], ["lip_colour", "lips"]]) {
    if (key in face) facts.append(swatch(name, face[key]));
  }
  parts.push(facts);
  if (face.emotion && face.emotion.scores) {
    const bars = el("div", { className: "bars" }, el("h4", { textContent: `emotion: ${face.emotion.dominant}` }));
    for (const [name, value] of Object.entries(face.emotion.scores)) bars.append(bar(name, value));
    parts.push(bars);
  }
  if (quality) {
    const failed = checksOf(quality).filter(([, c]) => !c.passed).map(([n]) => n);
    parts.push(el("p", { className: quality.passed ? "pass" : "fail",
      textContent: `quality ${num(quality.totalScore, 1)} / 100` +
        (failed.length ? ` — failed: ${failed.join(", ")}` : " — every check passed") }));
  }
  return parts;
}

// the /quality face for an /analyze face: the same detector, so the same box
function matchQuality(face, qualityFaces) {
  let best = null; let bestOverlap = 0.5;
  for (const q of qualityFaces || []) {
    const b = q.bbox_pixels || q.bbox; const a = face.bbox;
    const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    const inter = Math.max(0, w) * Math.max(0, h);
    const iou = inter / (area(a) + area(b) - inter);
    if (iou > bestOverlap) { best = q.quality && q.quality.qaa; bestOverlap = iou; }
  }
  return best;
}

async function runAnalyze() {
  const view = panel("analyze");
  if (!analyzeFile) { view.fail(new Error("pick a photo first")); return; }
  const chosen = [...document.querySelectorAll("#attributes input:checked")].map((c) => c.value);
  const extras = { mesh: $("#want-mesh").checked, axes: $("#want-axes").checked };
  view.busy("analysing ...");
  const picture = await loadPicture(analyzeFile);
  analyzeStage.show(picture);
  cards($("#analyze-cards"), analyzeStage, []);
  const form = new FormData();
  form.append("file", analyzeFile);
  form.append("attributes", chosen.join(","));
  if (extras.mesh) form.append("return_landmarks", "true");
  try {
    const calls = [post("analyze", form)];
    if ($("#want-quality").checked) {
      const qform = new FormData();
      qform.append("file", analyzeFile);
      calls.push(post("quality", qform).catch((problem) => ({ error: problem.message, status: problem.status })));
    }
    const [answer, quality] = await Promise.all(calls);
    raw(view.root, quality ? { analyze: answer, quality } : answer);
    if (!picture) analyzeStage.show(null, answer.image.width, answer.image.height, blankWhy(analyzeFile));
    const faces = answer.faces || [];
    analyzeStage.set(faces.map((f, i) => faceShape(f, i, extras)));
    cards($("#analyze-cards"), analyzeStage,
          faces.map((f, i) => faceCard(f, i, quality && matchQuality(f, quality.faces))));
    view.done(`${faces.length} face${faces.length === 1 ? "" : "s"} found` +
              (answer.faces_detected > faces.length ? ` (${answer.faces_detected} detected)` : "") +
              (quality && quality.error ? `; quality failed: ${quality.error}` : ""));
  } catch (problem) {
    view.fail(problem);
  }
}

// ------------------------------------------------------------------ Compare
const compareStages = [new Stage($("#compare-canvas-a")), new Stage($("#compare-canvas-b"))];

async function runCompare() {
  const view = panel("compare");
  const files = [$("#compare-a").files[0], $("#compare-b").files[0]];
  if (!files[0] || !files[1]) { view.fail(new Error("pick both photos")); return; }
  view.busy("comparing ...");
  const verdict = $("#compare-verdict");
  verdict.textContent = ""; verdict.dataset.match = "";
  $("#compare-gauge").hidden = true;
  const pictures = await Promise.all(files.map(loadPicture));
  pictures.forEach((p, i) => compareStages[i].show(p));
  const form = new FormData();
  form.append("selfie", files[0]);
  form.append("id_photo", files[1]);
  form.append("id_page", $("#compare-page").value || "1");
  if ($("#compare-threshold").value) form.append("threshold", $("#compare-threshold").value);
  try {
    const answer = await post("compare-faces", form);
    raw(view.root, answer);
    [answer.selfie_face, answer.id_face].forEach((face, i) => {
      if (!pictures[i]) {
        const b = face.bbox;  // no page size in this answer: a page just large enough
        compareStages[i].show(null, b[2] * 1.25, b[3] * 1.25);
      }
      compareStages[i].set([{ index: 0, box: face.bbox, colour: answer.match ? "#2a9d3a" : "#d03030",
        label: `${face.faces_found} face${face.faces_found === 1 ? "" : "s"} found, this one used` }]);
    });
    verdict.textContent = answer.match ? "match" : "no match";
    verdict.dataset.match = String(answer.match);
    verdict.className = `verdict ${answer.match ? "pass" : "fail"}`;
    gauge(answer.distance, answer.threshold);
    $("#compare-rule").textContent = `model ${answer.model}; ${answer.metric}; ` +
      `similarity ${num(answer.similarity, 3)}, confidence ${num(answer.confidence, 1)}`;
    view.done(`distance ${num(answer.distance, 3)}, threshold ${num(answer.threshold, 3)}`);
  } catch (problem) {
    view.fail(problem);
  }
}

function gauge(distance, threshold) {
  const box = $("#compare-gauge");
  const top = Math.max(2 * threshold, distance * 1.1);
  $(".fill", box).style.width = `${(100 * distance) / top}%`;
  $(".fill", box).classList.toggle("over", distance >= threshold);
  $(".mark", box).style.left = `${(100 * threshold) / top}%`;
  $(".legend", box).textContent = `distance ${num(distance, 3)} ${distance < threshold ? "<" : "≥"} ` +
    `threshold ${num(threshold, 3)} (shorter is more alike; below the mark is a match)`;
  box.hidden = false;
}

// ------------------------------------------------------------------ ID document
const documentStage = new Stage($("#document-canvas"));

async function runDocument() {
  const view = panel("document");
  const file = $("#document-file").files[0];
  if (!file) { view.fail(new Error("pick a document first")); return; }
  view.busy("extracting ...");
  const figure = $("#document-face");
  figure.hidden = true;
  const picture = await loadPicture(file);
  documentStage.show(picture);
  cards($("#document-cards"), documentStage, []);
  const form = new FormData();
  form.append("file", file);
  form.append("page", $("#document-page").value || "1");
  form.append("margin", $("#document-margin").value || "0.25");
  try {
    const answer = await post("extract-face", form);
    raw(view.root, answer);
    const meta = answer.metadata;
    const all = meta.all_faces || [];
    if (!picture) {
      const right = Math.max(...all.map((f) => f.bbox[2]), meta.crop_box[2]);
      const bottom = Math.max(...all.map((f) => f.bbox[3]), meta.crop_box[3]);
      documentStage.show(null, right * 1.1, bottom * 1.1);
    }
    documentStage.set(all.map((f, i) => ({
      index: i, box: f.bbox, dashed: f.index !== meta.selected_index,
      colour: f.index === meta.selected_index ? "#2a9d3a" : "#f58231",
      label: `${f.index === meta.selected_index ? "selected " : ""}${num(f.combined_score, 1)}`,
    })));
    cards($("#document-cards"), documentStage, all.map((f) => [
      el("h3", { textContent: `${f.index === meta.selected_index ? "Selected" : "Candidate"} face ${f.index + 1}` }),
      el("dl", {}, row("combined score", num(f.combined_score, 1)), row("size score", num(f.size_score, 1)),
         row("position score", num(f.position_score, 1)), row("detection", pct(f.confidence)),
         row("box", f.bbox.map((v) => Math.round(v)).join(", "))),
    ]));
    $("img", figure).src = answer.face_image;
    $("figcaption", figure).textContent = `face ${meta.selected_index + 1} of ${meta.total_faces}: ` +
      `${Math.round(meta.face_size.width)}×${Math.round(meta.face_size.height)} px, ` +
      `combined score ${num(meta.combined_score, 1)}`;
    figure.hidden = false;
    view.done(`${meta.total_faces} face${meta.total_faces === 1 ? "" : "s"} on the page; the most prominent is shown`);
  } catch (problem) {
    view.fail(problem);
  }
}

// ------------------------------------------------------------------ inspection
const inspectStage = new Stage($("#inspect-canvas"));

function qualityCard(face, index) {
  const qaa = face.quality.qaa;
  const table = el("table", {}, el("thead", {}, el("tr", {},
    ...["check", "value", "threshold", "pass"].map((h) => el("th", { textContent: h })))));
  const body = el("tbody");
  for (const [name, c] of checksOf(qaa)) {
    const limit = typeof c.threshold === "object" ? JSON.stringify(c.threshold) : `${c.comparison} ${c.threshold}`;
    body.append(el("tr", { className: c.passed ? "pass" : "fail" }, el("td", { textContent: name }),
      el("td", { textContent: num(c.value, 3) }), el("td", { textContent: limit }),
      el("td", { textContent: c.passed ? "yes" : "no" })));
  }
  for (const [name, why] of Object.entries(qaa.skipped || {})) {
    body.append(el("tr", {}, el("td", { textContent: name }), el("td", { textContent: "skipped" }),
      el("td", { colSpan: 2, textContent: why })));
  }
  table.append(body);
  return [el("h3", { textContent: `Face ${index + 1}: quality ${num(qaa.totalScore, 1)} / 100 ` +
    `(${qaa.checksPassed} of ${qaa.checksComputed} checks passed)` }), table];
}

function livenessCard(face, index) {
  const l = face.liveness || {};
  return [el("h3", { textContent: `Face ${index + 1}: ${l.value ?? "n/a"}` }),
    el("dl", {}, row("score", num(l.score, 3)), row("threshold", num(l.threshold, 2)),
       ...Object.entries(l.scores || {}).map(([k, v]) => row(k, num(v, 3))),
       ...(face.quality ? [row("quality", num(face.quality.totalScore, 1))] : []))];
}

function maskCard(face, index) {
  const m = face.mask;
  return [el("h3", { textContent: `Face ${index + 1}: ${m ? (m.value ? "masked" : "not masked") : "skipped"}` }),
    el("dl", {}, ...(m ? [row("confidence", pct(m.confidence)), row("score", num(m.score, 3)),
      row("threshold", num(m.threshold, 2))] : [row("why", face.mask_skipped || "n/a")]))];
}

function bodyCard(body, index) {
  return [el("h3", { textContent: `Person ${index + 1}` }),
    el("dl", {}, row("confidence", pct(body.confidence)), row("rotation", `${num(body.rotation, 1)}°`),
       row("box", body.bbox_pixels.map((v) => Math.round(v)).join(", ")))];
}

async function runInspect() {
  const view = panel("inspect");
  const file = $("#inspect-file").files[0];
  const endpoint = $("input[name=inspect-endpoint]:checked").value;
  $("#liveness-note").hidden = endpoint !== "liveness";
  if (!file) { view.fail(new Error("pick a photo first")); return; }
  view.busy(`POST /${endpoint} ...`);
  const picture = await loadPicture(file);
  inspectStage.show(picture);
  cards($("#inspect-cards"), inspectStage, []);
  const form = new FormData();
  form.append("file", file);
  if (endpoint === "liveness") form.append("mode", $("#inspect-mode").value);
  try {
    const answer = await post(endpoint, form);
    raw(view.root, answer);
    if (!picture) inspectStage.show(null, answer.image.width, answer.image.height, blankWhy(file));
    const items = endpoint === "body" ? answer.bodies : answer.faces;
    const render = { quality: qualityCard, liveness: livenessCard, mask: maskCard, body: bodyCard }[endpoint];
    inspectStage.set(items.map((item, i) => ({
      index: i, box: item.bbox_pixels, colour: COLOURS[i % COLOURS.length],
      label: `${i + 1}` + (endpoint === "liveness" && item.liveness ? ` ${item.liveness.value}` : "") +
             (endpoint === "quality" ? ` ${num(item.quality.qaa.totalScore, 0)}` : ""),
      points: endpoint === "body" ? item.keypoints : [],
    })));
    cards($("#inspect-cards"), inspectStage, items.map(render));
    view.done(`${items.length} ${endpoint === "body" ? (items.length === 1 ? "person" : "people")
      : (items.length === 1 ? "face" : "faces")}`);
  } catch (problem) {
    view.fail(problem);
  }
}

// ------------------------------------------------------------------ wiring
function tabs() {
  const buttons = [...document.querySelectorAll("[role=tab]")];
  const open = (button) => {
    for (const b of buttons) {
      const on = b === button;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      document.getElementById(b.getAttribute("aria-controls")).hidden = !on;
    }
    history.replaceState(null, "", `#${button.getAttribute("aria-controls")}`);
  };
  buttons.forEach((b, i) => {
    b.addEventListener("click", () => open(b));
    b.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        const next = buttons[(i + step + buttons.length) % buttons.length];
        open(next); next.focus();
      }
    });
  });
  const wanted = buttons.find((b) => `#${b.getAttribute("aria-controls")}` === location.hash);
  open(wanted || buttons[0]);
}

function drops() {
  for (const zone of document.querySelectorAll(".drop")) {
    const input = document.getElementById(zone.dataset.for);
    const name = $("span", zone);
    const label = name.textContent;
    const shown = () => { name.textContent = input.files[0] ? input.files[0].name : label; };
    input.addEventListener("change", shown);
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        input.dispatchEvent(new Event("change"));
      }
    });
  }
}

function camera() {
  const video = $("#camera");
  $("#camera-start").addEventListener("click", async () => {
    const view = panel("analyze");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      view.fail(new Error("this browser offers no camera here (it needs https or localhost)"));
      return;
    }
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
      video.parentElement.hidden = false;
    } catch (problem) {
      view.fail(new Error(`no camera: ${problem.message}`));
    }
  });
  $("#camera-snap").addEventListener("click", () => {
    const shot = el("canvas", { width: video.videoWidth, height: video.videoHeight });
    shot.getContext("2d").drawImage(video, 0, 0);
    shot.toBlob((blob) => {
      analyzeFile = new File([blob], "webcam.jpg", { type: "image/jpeg" });
      for (const track of video.srcObject.getTracks()) track.stop();
      video.parentElement.hidden = true;
      runAnalyze();
    }, "image/jpeg", 0.92);
  });
}

// the attributes /analyze takes and its default ones, from the server's task table (ui/serve.py)
async function attributeChoices() {
  const response = await fetch(new URL("attributes.json", location.href));
  if (!response.ok) throw new Error(`attributes.json answered ${response.status}`);
  return response.json();
}

async function init() {
  try {
    const choices = await attributeChoices();
    $("#attributes").append(...choices.attributes.map((name) => el("label", {},
      el("input", { type: "checkbox", value: name, checked: choices.default.includes(name) }),
      ` ${name}`)));
  } catch (problem) {
    $("#attributes").append(el("p", { className: "error" },
      `The attribute list could not be loaded (${problem.message}); /analyze answers its default set.`));
  }
  const key = $("#api-key");
  key.value = sessionStorage.getItem("face-api-key") || "";
  key.addEventListener("change", () => sessionStorage.setItem("face-api-key", key.value.trim()));
  tabs();
  drops();
  camera();
  $("#analyze-file").addEventListener("change", (e) => {
    analyzeFile = e.target.files[0] || null;
    if (analyzeFile) runAnalyze();
  });
  for (const [form, run] of [["#analyze-form", runAnalyze], ["#compare-form", runCompare],
                             ["#document-form", runDocument], ["#inspect-form", runInspect]]) {
    $(form).addEventListener("submit", (e) => { e.preventDefault(); run(); });
  }
  // redraw with line widths for the new on-screen size
  addEventListener("resize", () => [analyzeStage, ...compareStages, documentStage, inspectStage]
    .forEach((s) => s.draw()));
  document.body.dataset.ready = "true";
}

init();
