// Live progress of a solve: server-sent events from /runs/ID/events.
// Only textContent is set: nothing from the server becomes markup.
"use strict";
(function () {
  const root = document.getElementById("progress");
  if (!root) { return; }
  const limit = parseFloat(root.dataset.limit);
  const labels = {};
  const template = document.getElementById("labels");
  if (template) {
    for (const span of template.content.querySelectorAll("span")) {
      labels[span.dataset.level] = span.textContent;
    }
  }
  const body = document.querySelector("#levels tbody");
  const stage = document.getElementById("stage");
  const elapsed = document.getElementById("elapsed");
  const timebar = document.getElementById("timebar");
  const queue = document.getElementById("queue");
  const position = document.getElementById("position");
  const stop = document.getElementById("stop");
  let lastT = 0;
  let seenAt = null;

  function label(level) {
    // "coverage", or "coverage 1/2" for the first of two independent parts
    const parts = level.split(" ");
    const name = labels[parts[0]] || parts[0];
    return parts.length > 1 ? name + " (Teil " + parts.slice(1).join(" ") + ")" : name;
  }

  function row(level) {
    for (const tr of body.rows) {
      if (tr.dataset.level === level) { return tr; }
    }
    const tr = body.insertRow();
    tr.dataset.level = level;
    for (let k = 0; k < 4; k++) { tr.insertCell(); }
    tr.cells[1].className = "num";
    tr.cells[2].className = "num";
    tr.cells[0].textContent = label(level);
    return tr;
  }

  function tick() {
    if (seenAt === null) { return; }
    const t = lastT + (performance.now() - seenAt) / 1000;
    elapsed.textContent = Math.round(t) + " s";
    if (timebar && !isNaN(limit)) { timebar.value = Math.min(t, limit); }
  }

  const source = new EventSource(root.dataset.events);
  source.addEventListener("queue", function (event) {
    const data = JSON.parse(event.data);
    position.textContent = String(data.position);
    queue.classList.toggle("hidden", !data.position);
  });
  source.addEventListener("stopping", function () {
    stage.textContent = "wird gestoppt: der beste Plan wird geschrieben";
    if (stop) { stop.disabled = true; }
  });
  source.addEventListener("progress", function (event) {
    const data = JSON.parse(event.data);
    queue.classList.add("hidden");
    lastT = data.t;
    seenAt = performance.now();
    if (data.stage !== undefined) {
      stage.textContent = data.stage;
      return;
    }
    const tr = row(data.level);
    tr.cells[1].textContent = String(data.value);
    tr.cells[2].textContent = data.bound === null ? "–" : String(data.bound);
    tr.cells[3].textContent = data.done ? "fertig" : "sucht";
    tr.classList.toggle("done", data.done);
    stage.textContent = "Suche: " + label(data.level);
    tick();
  });
  source.addEventListener("end", function (event) {
    source.close();
    window.location.assign(JSON.parse(event.data).url);
  });
  window.setInterval(tick, 500);
})();
