// Kontor's own behaviour for the pages; no inline scripts (the Content-Security-Policy forbids them).
// Each area adds a small function here and wires it on DOMContentLoaded and htmx:load.
"use strict";

// Documents: the upload form. Files dropped on the drop zone fill the File field; the form is
// posted with XMLHttpRequest so a <progress> can show how much of the file has gone. Without
// script the form posts normally and the server answers the same way.
function kontorUploadForms(root) {
  root.querySelectorAll("form.upload-form:not([data-wired])").forEach(function (form) {
    form.setAttribute("data-wired", "");
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var progress = form.querySelector("progress");
    var status = form.querySelector("[role=status]");
    var button = form.querySelector("button[type=submit]");
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", Boolean(isError));
    }

    if (zone && input) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("over");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          say("Chosen: " + input.files[0].name, false);
        }
      });
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !input || !input.files.length) { return; }
      var file = input.files[0];
      if (limit && file.size > limit) {
        event.preventDefault();
        say("The file is " + file.size + " bytes; the limit is " + limit + ".", true);
        return;
      }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (progressEvent) {
        if (progressEvent.lengthComputable) {
          progress.value = Math.round((progressEvent.loaded / progressEvent.total) * 100);
        }
      });
      request.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
        if (request.status === 201 && answer && answer.location) {
          window.location.assign(answer.location);
          return;
        }
        progress.hidden = true;
        button.disabled = false;
        if (request.status === 413) {
          say((answer && answer.detail) || "The file is too large.", true);
        } else {
          say((answer && answer.detail) || "The upload failed (" + request.status + ").", true);
        }
      });
      request.addEventListener("error", function () {
        progress.hidden = true;
        button.disabled = false;
        say("The upload was interrupted; nothing was saved. Try again.", true);
      });
      progress.value = 0;
      progress.hidden = false;
      button.disabled = true;
      say("Sending " + file.name + "…", false);
      request.send(new FormData(form));
    });
  });
}

document.addEventListener("DOMContentLoaded", function () { kontorUploadForms(document); });
document.addEventListener("htmx:load", function (event) { kontorUploadForms(event.target); });
