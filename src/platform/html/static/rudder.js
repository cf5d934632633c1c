/* rudder — small progressive enhancements. Every page works without
 * this file; it only saves clicks and shows live updates. No inline
 * script anywhere: the CSP allows only this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    /* the language switch submits itself */
    var sel = document.getElementById("lang-select");
    if (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    }

    /* on a phone the menu scrolls sideways: bring the current entry in */
    var nav = document.querySelector("nav.main ul");
    var cur = document.querySelector("nav.main [aria-current]");
    if (nav && cur && nav.parentNode.scrollWidth > nav.parentNode.clientWidth) {
      nav.parentNode.scrollLeft = cur.offsetLeft - 16;
    }

    /* buttons that ask before doing something hard to undo */
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) {
          ev.preventDefault();
        }
      });
    });

    /* copy buttons for one-time links */
    document.querySelectorAll("[data-copy]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var src = document.getElementById(btn.getAttribute("data-copy"));
        if (src && navigator.clipboard) {
          navigator.clipboard.writeText(src.textContent.trim());
          btn.textContent = btn.getAttribute("data-copied") || "OK";
        }
      });
    });

    /* live pages (a congress's projector, an item, the door): on each
       event of their stream, fetch the page again and put the parts
       marked data-live-region in place, so a live update and a reload
       show the same */
    var stream = document.querySelector("[data-live-stream]");
    if (stream && window.EventSource && window.DOMParser) {
      var busy = false, again = false;
      /* the page's own address (a refused post leaves another in the
         address bar) */
      var url = stream.getAttribute("data-live-page") || window.location.pathname;
      var refresh = function () {
        if (busy) { again = true; return; }
        busy = true;
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) {
            if (!html) { return; }
            var doc = new DOMParser().parseFromString(html, "text/html");
            document.querySelectorAll("[data-live-region][id]").forEach(function (el) {
              var fresh = doc.getElementById(el.id);
              /* not under someone's hands: a region holding the focus
                 waits for the next event */
              if (!fresh || el.contains(document.activeElement)) { return; }
              /* unchanged: nothing replaced, nothing read out again */
              if (el.innerHTML === fresh.innerHTML) { return; }
              /* the children, in place: a live region announced is the
                 one already there */
              el.replaceChildren.apply(el, Array.prototype.map.call(
                fresh.childNodes, function (n) { return document.importNode(n, true); }));
              Array.prototype.forEach.call(fresh.attributes, function (a) {
                el.setAttribute(a.name, a.value);
              });
            });
            clocks();
          })
          .catch(function () {})
          .then(function () {
            busy = false;
            if (again) { again = false; refresh(); }
          });
      };
      /* a hall of phones does not fetch in the same millisecond: each
         waits a moment of its own (data-live-spread, ms; the projector
         none), and the events of that moment make one fetch */
      var spread = parseInt(stream.getAttribute("data-live-spread") || "1000", 10);
      var pending = false;
      var soon = function () {
        if (pending) { return; }
        pending = true;
        setTimeout(function () { pending = false; refresh(); }, Math.random() * spread);
      };
      var source = new EventSource(stream.getAttribute("data-live-stream"));
      /* every page follows "changed"; one that shows a count as it
         happens names the events of that count too (data-live-also) */
      source.addEventListener("changed", soon);
      (stream.getAttribute("data-live-also") || "").split(" ").forEach(function (e) {
        if (e) { source.addEventListener(e, soon); }
      });
      /* fell behind, or came back after the stream ended: what changed
         meanwhile is fetched too */
      source.addEventListener("reset", soon);
      var opened = false;
      source.addEventListener("open", function () {
        if (opened) { soon(); }
        opened = true;
      });
    }

    /* a speech's clock counts down: its end and the server's now, so a
       phone's wrong clock does not matter */
    var ticking = null;
    function clocks() {
      var els = document.querySelectorAll("[data-ends-at]");
      if (ticking) { clearInterval(ticking); ticking = null; }
      if (!els.length) { return; }
      var skew = 0;
      els.forEach(function (el) {
        skew = parseInt(el.getAttribute("data-now"), 10) * 1000 - Date.now();
      });
      var tick = function () {
        els.forEach(function (el) {
          var left = Math.round((parseInt(el.getAttribute("data-ends-at"), 10) * 1000 -
                                 (Date.now() + skew)) / 1000);
          var neg = left < 0, s = Math.abs(left);
          var text = (neg ? "+" : "") + Math.floor(s / 60) + ":" + ("0" + s % 60).slice(-2);
          var t = el.querySelector(".clock-text") || el;
          t.textContent = text;
          el.classList.toggle("over", neg);
        });
      };
      tick();
      ticking = setInterval(tick, 1000);
    }
    clocks();

    /* the audit log grows while it is open */
    var live = document.querySelector("[data-live-audit]");
    if (live && window.EventSource) {
      var tbody = live.querySelector("tbody");
      var status = document.getElementById("live-status");
      var es = new EventSource("/audit/stream");
      var newest = function () {
        var row = tbody.querySelector("tr[data-id]");
        return row ? parseInt(row.getAttribute("data-id"), 10) : 0;
      };
      var cell = function (tr, label, text) {
        var td = document.createElement("td");
        td.setAttribute("data-label", label);
        td.textContent = text;
        tr.appendChild(td);
      };
      var labels = (live.getAttribute("data-labels") || "").split("|");
      es.addEventListener("open", function () {
        if (status) { status.hidden = false; }
      });
      es.addEventListener("audit", function () {
        /* the newest page (newest first); those not shown yet */
        var seen = newest();
        fetch("/api/v1/audit?limit=50", { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { entries: [] }; })
          .then(function (j) {
            j.entries.filter(function (e) { return e.id > seen; })
              .reverse().forEach(function (e) {
              var tr = document.createElement("tr");
              tr.setAttribute("data-id", String(e.id));
              cell(tr, labels[0] || "", String(e.id));
              cell(tr, labels[1] || "", e.when);
              /* the sentence, its names as links (paths of ours) */
              var td = document.createElement("td");
              td.setAttribute("data-label", labels[2] || "");
              (e.sentence || []).forEach(function (p) {
                var el = document.createTextNode(p.text);
                if (p.href && p.href.charAt(0) === "/") {
                  var a = document.createElement("a");
                  a.setAttribute("href", p.href);
                  a.appendChild(el);
                  el = a;
                }
                td.appendChild(el);
              });
              tr.appendChild(td);
              tbody.insertBefore(tr, tbody.firstChild);
            });
          });
      });
      es.addEventListener("reset", function () { window.location.reload(); });
    }
  });
})();
