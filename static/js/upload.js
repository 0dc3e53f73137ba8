// Progressive enhancement of the filing form: drag and drop, and a real progress bar per file.
// Without JavaScript the form posts as an ordinary multipart form and works the same.
(function () {
  "use strict";

  function rows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-document-row]"));
  }

  function fileInput(row) {
    return row.querySelector('input[type="file"]');
  }

  function titleInput(row) {
    return row.querySelector('input[name$="-title"]');
  }

  function titleFromName(name) {
    return name.replace(/\.pdf$/i, "").replace(/[_-]+/g, " ").trim();
  }

  function placeFiles(form, files) {
    var list = Array.prototype.slice.call(files);
    rows(form).forEach(function (row) {
      var input = fileInput(row);
      // A document already in the draft takes only a corrected file the filer chooses for it.
      if (!list.length || !input || input.files.length || row.hasAttribute("data-stored")) return;
      var file = list.shift();
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      var title = titleInput(row);
      if (title && !title.value) title.value = titleFromName(file.name);
    });
    return list.length;
  }

  function setUpDropZone(form) {
    var zone = form.querySelector("[data-drop-zone]");
    if (!zone || typeof DataTransfer === "undefined") return;
    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("drop-zone--active");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () {
        zone.classList.remove("drop-zone--active");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var left = placeFiles(form, event.dataTransfer.files);
      var status = form.querySelector("[data-upload-status]");
      if (status && left) status.textContent = zone.getAttribute("data-too-many") || "";
    });
    rows(form).forEach(function (row) {
      var input = fileInput(row);
      if (!input) return;
      input.addEventListener("change", function () {
        var title = titleInput(row);
        if (title && !title.value && input.files.length) title.value = titleFromName(input.files[0].name);
      });
    });
  }

  function showProgress(form, loaded) {
    // Parts go up in the order of the form's fields, so each file's share of the bytes
    // sent so far follows from the sizes of the files before it.
    var offset = 0;
    rows(form).forEach(function (row) {
      var input = fileInput(row);
      var box = row.querySelector("[data-progress]");
      if (!input || !box || !input.files.length) return;
      var size = input.files[0].size || 1;
      var done = Math.max(0, Math.min(size, loaded - offset));
      var percent = Math.round((100 * done) / size);
      offset += size;
      box.hidden = false;
      box.querySelector("progress").value = percent;
      box.querySelector("[data-progress-text]").textContent = percent + "%";
    });
  }

  function enhance(form) {
    setUpDropZone(form);
    form.addEventListener("submit", function (event) {
      if (typeof XMLHttpRequest === "undefined" || typeof FormData === "undefined") return;
      // "Add another party" posts the form to show it again with one more row: no upload to watch.
      if (event.submitter && event.submitter.hasAttribute("data-add-row")) return;
      event.preventDefault();
      var status = form.querySelector("[data-upload-status]");
      var button = form.querySelector('button[type="submit"]:not([data-add-row])');
      if (button) button.disabled = true;
      var request = new XMLHttpRequest();
      // getAttribute: form.action is the control named "action" (the form's buttons) when there is one.
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.upload.addEventListener("progress", function (progress) {
        showProgress(form, progress.loaded);
      });
      request.addEventListener("load", function () {
        // Saved: the server names the next page instead of redirecting, so its message is still unread there.
        var next = request.getResponseHeader("X-Icms-Location");
        if (request.status === 200 && next) {
          window.location.assign(next);
          return;
        }
        var landed = request.responseURL && request.responseURL.split("#")[0] !== window.location.href.split("#")[0];
        if (request.status === 200 && landed) {
          window.location.assign(request.responseURL);
          return;
        }
        // The server refused something: show its page (errors included) in place, input kept.
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = page.querySelector("main");
        if (main) {
          document.querySelector("main").replaceWith(main);
          // The title says "Error: …" as a page loaded without this script would.
          if (page.title) document.title = page.title;
          var again = document.querySelector("[data-upload-form]");
          if (again) enhance(again);
          var summary = document.querySelector(".error-summary");
          if (summary) summary.focus();
        } else if (status) {
          status.textContent = request.statusText;
          if (button) button.disabled = false;
        }
      });
      request.addEventListener("error", function () {
        if (status) status.textContent = form.getAttribute("data-network-error") || "Network error";
        if (button) button.disabled = false;
      });
      // The button pressed ("Save as draft", "Continue to review", "Remove") goes too, as without script.
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      request.send(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-upload-form]"), enhance);
  });
})();
