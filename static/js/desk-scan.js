/* Front desk: scan the QR of a confirmation letter with the tablet's camera (jsQR, vendored
   in static/vendor/jsqr/), and on the check-in pages add guest rows and count who is present.
   Without a camera (or without JavaScript) the receptionist types the code: nothing here is
   needed for the pages to work. */
(function () {
  "use strict";

  /* The booking code inside a scanned QR: the verification URL's ?kode=..., or the text. */
  function codeFrom(text) {
    try {
      var url = new URL(text, window.location.href);
      var kode = url.searchParams.get("kode");
      if (kode) { return kode; }
    } catch (e) { /* not a URL: the text itself */ }
    return String(text || "").trim();
  }

  function setupScan() {
    var area = document.getElementById("scan-area");
    var input = document.getElementById("q");
    var form = document.getElementById("desk-search");
    if (!area || !input || !form) { return; }
    var media = navigator.mediaDevices;
    if (!media || !media.getUserMedia || typeof window.jsQR !== "function") { return; }
    area.classList.remove("d-none");
    var button = document.getElementById("scan-button");
    var live = document.getElementById("scan-live");
    var video = document.getElementById("scan-video");
    var stopButton = document.getElementById("scan-stop");
    var fallback = document.getElementById("scan-fallback");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;

    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      live.classList.add("d-none");
    }

    function tick() {
      if (!stream) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (found && found.data) {
          stop();
          input.value = codeFrom(found.data);
          form.submit();
          return;
        }
      }
      window.requestAnimationFrame(tick);
    }

    button.addEventListener("click", function () {
      media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        live.classList.remove("d-none");
        video.play();
        window.requestAnimationFrame(tick);
      }).catch(function () {
        /* No camera (or no permission): the hint under the search box already says to type
           the code, so make that one hint stand out rather than repeat it in the panel. */
        stop();
        fallback.classList.remove("text-muted");
        fallback.classList.add("text-danger", "fw-semibold");
        input.focus();
      });
    });
    stopButton.addEventListener("click", stop);
  }

  function setupGuests() {
    var holder = document.getElementById("extra-guests");
    var add = document.getElementById("add-guest");
    var count = document.getElementById("present-count");
    if (!holder) { return; }

    function recount() {
      if (!count) { return; }
      var ticked = document.querySelectorAll("#guest-list input[name=present]:checked").length;
      var extra = Array.prototype.filter.call(
        holder.querySelectorAll("input[name=extra_name]"),
        function (el) { return el.value.trim() !== ""; }
      ).length;
      count.textContent = String(ticked + extra);
    }

    if (add) {
      add.classList.remove("d-none");
      add.addEventListener("click", function () {
        var rows = holder.querySelectorAll(".extra-guest");
        var copy = rows[rows.length - 1].cloneNode(true);
        copy.querySelectorAll("input").forEach(function (el) { el.value = ""; });
        holder.appendChild(copy);
        copy.querySelector("input").focus();
      });
    }
    document.addEventListener("change", recount);
    document.addEventListener("input", recount);
    recount();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupScan();
    setupGuests();
  });
}());
