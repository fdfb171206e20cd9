// The Gallery view: create or pick a gallery, enrol a face from a photo or the
// webcam, identify the faces of a photo (the matches drawn over it), list and
// delete subjects. Runs after app.js and uses its helpers ($, el, Stage, panel,
// ApiError, api, raw, loadPicture, COLOURS); the API is /galleries (docs/identification.md).
"use strict";

const galleryStage = new Stage(document.getElementById("gallery-canvas"));
let galleryFile = null;   // the photo to enrol (a file or a webcam snapshot)

async function galleryCall(method, path, body) {
  const headers = {};
  const key = $("#api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(api(path), { method, body, headers });
  } catch (problem) {
    throw new ApiError(0, `the server could not be reached (${problem.message})`, null);
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    throw new ApiError(response.status, parsed && typeof parsed.detail === "string"
      ? parsed.detail : text.slice(0, 2000) || response.statusText, parsed ?? text);
  }
  return parsed;
}

const chosenGallery = () => $("#gallery-name").value;

async function listGalleries(select) {
  const answer = await galleryCall("GET", "galleries");
  const names = answer.galleries.map((g) => g.name);
  $("#gallery-name").replaceChildren(...names.map((n) => el("option", { value: n }, n)));
  if (select && names.includes(select)) $("#gallery-name").value = select;
  $("#gallery-name").dataset.count = String(names.length);
  await listSubjects();
}

async function listSubjects() {
  const list = $("#gallery-subjects");
  const name = chosenGallery();
  if (!name) {
    list.replaceChildren();
    list.dataset.count = "0";
    return;
  }
  const answer = await galleryCall("GET", `galleries/${encodeURIComponent(name)}/subjects?limit=1000`);
  list.replaceChildren(...answer.subjects.map((s) => {
    const remove = el("button", { type: "button", className: "delete" }, "Delete");
    remove.dataset.subject = s.subject_id;
    remove.addEventListener("click", () => deleteSubject(s.subject_id));
    const item = el("li", {}, el("strong", {}, s.display_name), ` (${s.subject_id}) · `
      + `${s.face_count} ${s.face_count === 1 ? "face" : "faces"} `, remove);
    item.dataset.subject = s.subject_id;
    return item;
  }));
  list.dataset.count = String(answer.subjects.length);
}

async function galleryAction(message, work) {
  const view = panel("gallery");
  view.busy(message);
  try {
    const said = await work();
    view.done(said);
  } catch (problem) {
    view.fail(problem);
  }
}

function createGallery() {
  const name = $("#gallery-new").value.trim();
  return galleryAction(`creating ${name}…`, async () => {
    await galleryCall("POST", "galleries", { name });
    await listGalleries(name);
    return `gallery ${name} created`;
  });
}

function deleteGallery() {
  const name = chosenGallery();
  return galleryAction(`deleting ${name}…`, async () => {
    await galleryCall("DELETE", `galleries/${encodeURIComponent(name)}`);
    await listGalleries();
    return `gallery ${name} deleted`;
  });
}

function deleteSubject(subject) {
  return galleryAction(`deleting ${subject}…`, async () => {
    await galleryCall("DELETE", `galleries/${encodeURIComponent(chosenGallery())}/subjects/`
      + encodeURIComponent(subject));
    await listSubjects();
    return `${subject} deleted, with every face and template`;
  });
}

function enrol() {
  const subject = $("#gallery-subject").value.trim();
  return galleryAction(`enrolling into ${subject}…`, async () => {
    if (!galleryFile) throw new Error("pick a photo or take a webcam snapshot first");
    const form = new FormData();
    form.append("file", galleryFile, galleryFile.name);
    const name = $("#gallery-display").value.trim();
    if (name) form.append("display_name", name);
    const answer = await galleryCall("POST", `galleries/${encodeURIComponent(chosenGallery())}`
      + `/subjects/${encodeURIComponent(subject)}/faces`, form);
    raw($("#gallery"), answer);
    await listSubjects();
    return `enrolled face ${answer.face_id} into ${subject} (quality ${answer.quality})`;
  });
}

function identify() {
  const file = $("#gallery-probe").files[0];
  return galleryAction("identifying…", async () => {
    if (!file) throw new Error("pick a photo to identify");
    const form = new FormData();
    form.append("file", file, file.name);
    const [picture, answer] = await Promise.all([
      loadPicture(file),
      galleryCall("POST", `galleries/${encodeURIComponent(chosenGallery())}/identify`, form)]);
    galleryStage.show(picture, 640, 480);
    galleryStage.set(answer.faces.map((face, index) => ({
      box: face.bbox, index, colour: face.unknown ? "#888" : COLOURS[index % COLOURS.length],
      dashed: face.unknown,
      label: face.unknown ? "unknown"
        : `${face.display_name} ${face.matches[0].distance.toFixed(2)}`,
    })));
    const found = answer.faces.filter((f) => !f.unknown).map((f) => f.display_name);
    $("#gallery-matches").textContent = answer.faces.length
      ? `${found.length ? found.join(", ") : "nobody known"} · threshold `
        + `${answer.threshold} at FAR ${answer.far ?? "n/a"}` : "no face found";
    raw($("#gallery"), answer);
    return `${answer.face_count} ${answer.face_count === 1 ? "face" : "faces"} identified`;
  });
}

function galleryCamera() {
  const video = $("#gallery-video");
  $("#gallery-camera").addEventListener("click", async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      panel("gallery").fail(new Error("this browser offers no camera here (it needs https or localhost)"));
      return;
    }
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
      video.parentElement.hidden = false;
    } catch (problem) {
      panel("gallery").fail(new Error(`no camera: ${problem.message}`));
    }
  });
  $("#gallery-snap").addEventListener("click", () => {
    const shot = el("canvas", { width: video.videoWidth, height: video.videoHeight });
    shot.getContext("2d").drawImage(video, 0, 0);
    shot.toBlob((blob) => {
      galleryFile = new File([blob], "webcam.jpg", { type: "image/jpeg" });
      for (const track of video.srcObject.getTracks()) track.stop();
      video.parentElement.hidden = true;
      enrol();
    }, "image/jpeg", 0.92);
  });
}

function initGallery() {
  $("#gallery-file").addEventListener("change", (e) => { galleryFile = e.target.files[0] || null; });
  $("#gallery-create").addEventListener("click", createGallery);
  $("#gallery-delete").addEventListener("click", deleteGallery);
  $("#gallery-name").addEventListener("change", () => galleryAction("loading…", async () => {
    await listSubjects();
    return "";
  }));
  $("#gallery-enrol-form").addEventListener("submit", (e) => { e.preventDefault(); enrol(); });
  $("#gallery-identify-form").addEventListener("submit", (e) => { e.preventDefault(); identify(); });
  $("#tab-gallery").addEventListener("click", () => galleryAction("loading galleries…", async () => {
    await listGalleries(chosenGallery());
    return "";
  }));
  galleryCamera();
  addEventListener("resize", () => galleryStage.draw());
  document.body.dataset.galleryReady = "true";
}

initGallery();
