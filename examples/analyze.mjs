// fetch (Node 18+ or a browser): /analyze with a multipart upload, /compare-faces.
//   node examples/analyze.mjs http://localhost:3000 selfie.jpg [id_photo.jpg]
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

const [url, selfie, idPhoto] = process.argv.slice(2);
if (!url || !selfie) {
  console.error("usage: node examples/analyze.mjs URL SELFIE [ID_PHOTO]\n" +
                "/analyze of SELFIE, and /compare-faces of SELFIE with ID_PHOTO when given");
  process.exit(2);
}

async function upload(path) {
  return new Blob([await readFile(path)], { type: "image/jpeg" });
}

async function call(path, form) {
  const response = await fetch(url + path, { method: "POST", body: form });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${body.detail}`);
  return body;
}

const form = new FormData();
form.append("file", await upload(selfie), basename(selfie));
form.append("attributes", "age,gender,emotion");
const result = await call("/analyze", form);
for (const face of result.faces) {
  console.log("face", JSON.stringify(face.bbox), "age", face.age,
              "gender", face.gender.value, "emotion", face.emotion.dominant);
}

if (idPhoto) {
  const pair = new FormData();
  pair.append("selfie", await upload(selfie), basename(selfie));
  pair.append("id_photo", await upload(idPhoto), basename(idPhoto));
  const compared = await call("/compare-faces", pair);
  console.log("same person:", compared.match, "similarity", compared.similarity);
}
