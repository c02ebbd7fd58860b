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

// CRM: the lead's conversion dialog. A button with data-opens-dialog opens that <dialog> over the
// page instead of loading the page with it open (what happens without script); a dialog the
// server sent open (asking for missing fields) becomes modal, so focus stays inside it.
function kontorDialogs(root) {
  root.querySelectorAll("[data-opens-dialog]:not([data-wired])").forEach(function (button) {
    button.setAttribute("data-wired", "");
    var dialog = document.getElementById(button.getAttribute("data-opens-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });
  root.querySelectorAll("[data-closes-dialog]:not([data-wired])").forEach(function (link) {
    link.setAttribute("data-wired", "");
    var dialog = document.getElementById(link.getAttribute("data-closes-dialog"));
    link.addEventListener("click", function (event) {
      if (dialog && dialog.open && document.querySelector("[data-opens-dialog]")) {
        event.preventDefault();
        dialog.close();
      }
    });
  });
  root.querySelectorAll("dialog[data-show-modal][open]:not([data-wired])").forEach(function (dialog) {
    dialog.setAttribute("data-wired", "");
    if (typeof dialog.showModal !== "function") { return; }
    dialog.close();
    dialog.showModal();
  });
}

document.addEventListener("DOMContentLoaded", function () {
  kontorUploadForms(document);
  kontorDialogs(document);
});
document.addEventListener("htmx:load", function (event) {
  kontorUploadForms(event.target);
  kontorDialogs(event.target);
});

// Pictures of pages are drawn after the page asks for them, a scan's after its OCR (404 with
// Retry-After meanwhile): ask again, less often as time goes on (for about five minutes), then
// show the picture's description instead of a broken image.
function kontorRetryPictures(root) {
  root.querySelectorAll("img[data-retry-picture]:not([data-wired])").forEach(function (image) {
    image.setAttribute("data-wired", "");
    var tries = 0;
    var source = image.getAttribute("src");
    function retry() {
      tries += 1;
      if (tries > 40) {
        var text = document.createElement("span");
        text.className = "muted";
        text.textContent = image.getAttribute("alt") + ": no picture";
        image.replaceWith(text);
        return;
      }
      window.setTimeout(function () {
        image.src = source + (source.indexOf("?") < 0 ? "?" : "&") + "try=" + tries;
      }, Math.min(10000, 1000 + 500 * tries));
    }
    image.addEventListener("error", retry);
    if (image.complete && image.naturalWidth === 0) { retry(); }
  });
}
document.addEventListener("DOMContentLoaded", function () { kontorRetryPictures(document); });
document.addEventListener("htmx:load", function (event) { kontorRetryPictures(event.target); });
