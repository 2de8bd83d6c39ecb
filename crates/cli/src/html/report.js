(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("audit-data").textContent) || {texts: [], values: [], findings: [], evaluations: []};
  var texts = data.texts, findings = data.findings, evaluations = data.evaluations;
  findings.forEach(function (f) {
    if (!f.d) return;
    Object.keys(f.d).forEach(function (key) { f.d[key] = data.values[f.d[key]]; });
  });
  var SEVERITIES = ["critical", "high", "medium", "low", "info"];
  var FINDING_KEYS = ["severity", "account", "rule", "category", "q", "suppressed"];
  var EVALUATION_KEYS = ["compliance", "eaccount", "eq"];
  var findingForm = document.getElementById("finding-filters");
  var evaluationForm = document.getElementById("evaluation-filters");
  var findingBody = document.querySelector("#findings-table tbody");
  var evaluationBody = document.querySelector("#evaluations-table tbody");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function td(className, text) { return el("td", className, text); }
  function count(list, key) {
    var counts = {};
    list.forEach(function (item) { counts[item[key]] = (counts[item[key]] || 0) + 1; });
    return counts;
  }
  function fill(select, values, counts) {
    values.forEach(function (value) {
      var option = el("option", null, counts ? value + " (" + (counts[value] || 0) + ")" : value);
      option.value = value;
      select.appendChild(option);
    });
  }
  function sorted(counts) { return Object.keys(counts).sort(); }

  // Search text per finding, built once.
  findings.forEach(function (f) {
    f.hay = [f.id, f.r, f.c, f.s, f.a, f.arn, f.k, f.n, f.m, texts[f.t],
      f.d ? JSON.stringify(f.d) : "", (f.notes || []).join(" "),
      f.sup ? f.sup.reason + " " + f.sup.pattern : ""].join("\n").toLowerCase();
  });
  evaluations.forEach(function (e) {
    e.hay = [e.a, e.arn, e.n, e.c, e.note || ""].join("\n").toLowerCase();
  });

  var severityCounts = count(findings, "s");
  fill(findingForm.severity, SEVERITIES.filter(function (s) { return severityCounts[s]; }), severityCounts);
  fill(findingForm.account, sorted(count(findings, "a")), count(findings, "a"));
  fill(findingForm.rule, sorted(count(findings, "r")), count(findings, "r"));
  fill(findingForm.category, sorted(count(findings, "c")), count(findings, "c"));
  fill(evaluationForm.compliance, sorted(count(evaluations, "c")), count(evaluations, "c"));
  fill(evaluationForm.eaccount, sorted(count(evaluations, "a")), count(evaluations, "a"));

  function ensureOption(select, value) {
    if (!value) return;
    for (var i = 0; i < select.options.length; i++) if (select.options[i].value === value) return;
    var option = el("option", null, value + " (0)");
    option.value = value;
    select.appendChild(option);
  }

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    FINDING_KEYS.concat(EVALUATION_KEYS).forEach(function (key) {
      var form = FINDING_KEYS.indexOf(key) >= 0 ? findingForm : evaluationForm;
      var field = form.elements[key];
      var value = params.get(key) || "";
      if (field.type === "checkbox") {
        field.checked = value === "1" || value === "true" || value === "yes";
      } else {
        if (field.tagName === "SELECT") {
          value = key === "severity" ? value.toLowerCase() : value;
          ensureOption(field, value);
        }
        field.value = value;
      }
    });
  }
  function writeHash() {
    var params = new URLSearchParams();
    FINDING_KEYS.concat(EVALUATION_KEYS).forEach(function (key) {
      var form = FINDING_KEYS.indexOf(key) >= 0 ? findingForm : evaluationForm;
      var field = form.elements[key];
      if (field.type === "checkbox") { if (field.checked) params.set(key, "1"); }
      else if (field.value) params.set(key, field.value);
    });
    var hash = params.toString();
    var url = location.pathname + location.search + (hash ? "#" + hash : "");
    try { history.replaceState(null, "", url); } catch (e) { /* some file: viewers refuse */ }
  }

  function status(f) {
    if (!f.sup) return ["Open", "s-open"];
    return f.sup.on ? ["Suppressed", "s-suppressed"] : ["Open (suppression expired)", "s-expired"];
  }

  function findingRow(f) {
    var tr = el("tr", "finding" + (f.sup && f.sup.on ? " suppressed" : ""));
    tr.dataset.id = f.id;
    tr.dataset.severity = f.s;
    tr.dataset.account = f.a;
    tr.dataset.rule = f.r;
    tr.tabIndex = 0;
    var sev = td("sev"); sev.appendChild(el("span", "badge sev-" + f.s, f.s)); tr.appendChild(sev);
    var rule = td("rule"); rule.appendChild(el("code", null, f.r)); rule.appendChild(el("div", null, texts[f.t])); tr.appendChild(rule);
    var account = td(); account.appendChild(el("code", null, f.a)); tr.appendChild(account);
    var res = td("res"); res.title = f.arn; res.appendChild(el("code", null, f.n)); res.appendChild(el("div", null, f.k)); tr.appendChild(res);
    tr.appendChild(td("msg", f.m));
    var st = status(f); tr.appendChild(td("status " + st[1], st[0]));
    function toggle() {
      var next = tr.nextSibling;
      if (next && next.classList && next.classList.contains("detail")) {
        next.remove(); tr.classList.remove("open"); return;
      }
      tr.classList.add("open");
      tr.parentNode.insertBefore(detailRow(f), tr.nextSibling);
    }
    tr.addEventListener("click", toggle);
    tr.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
    });
    return tr;
  }

  function detailRow(f) {
    var tr = el("tr", "detail");
    var cell = el("td"); cell.colSpan = 6; tr.appendChild(cell);
    cell.appendChild(el("h3", null, texts[f.t]));
    cell.appendChild(el("div", null, f.m));
    var dl = el("dl");
    function item(label, node) {
      dl.appendChild(el("dt", null, label));
      var dd = el("dd");
      if (typeof node === "string") dd.textContent = node; else dd.appendChild(node);
      dl.appendChild(dd);
    }
    item("Resource", el("code", null, f.arn));
    item("Finding ID", el("code", null, f.id));
    if (f.d) item("Evidence", el("pre", null, JSON.stringify(f.d, null, 2)));
    item("Remediation", texts[f.rem]);
    var reference = texts[f.ref];
    if (/^https:\/\//.test(reference)) {
      var link = el("a", null, reference);
      link.href = reference; link.target = "_blank"; link.rel = "noopener noreferrer";
      item("Reference", link);
    } else if (reference) {
      item("Reference", reference);
    }
    if (f.sup) {
      item(f.sup.on ? "Suppressed" : "Expired suppression",
        f.sup.reason + " (resource pattern " + f.sup.pattern + (f.sup.expires ? ", until " + f.sup.expires : "") + ")");
    }
    if (f.notes) item("Notes", f.notes.join("\n"));
    cell.appendChild(dl);
    return tr;
  }

  function evaluationRow(e) {
    var tr = el("tr", "evaluation");
    tr.dataset.compliance = e.c;
    var account = td(); account.appendChild(el("code", null, e.a)); tr.appendChild(account);
    var role = td("res"); role.title = e.arn; role.appendChild(el("code", null, e.n)); role.appendChild(el("div", "mono", e.arn)); tr.appendChild(role);
    var c = td(); c.appendChild(el("span", "badge c-" + e.c, e.c.replace(/_/g, " ").toLowerCase())); tr.appendChild(c);
    tr.appendChild(td(null, e.note || ""));
    return tr;
  }

  function emptyRow(columns, text) {
    var tr = el("tr", "empty"); var cell = td(null, text); cell.colSpan = columns; tr.appendChild(cell); return tr;
  }

  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }
  function matchesWords(hay, terms) {
    for (var i = 0; i < terms.length; i++) if (hay.indexOf(terms[i]) < 0) return false;
    return true;
  }

  function renderFindings() {
    var form = findingForm.elements;
    var terms = words(form.q.value), showSuppressed = form.suppressed.checked;
    var hidden = 0, shown = [];
    findings.forEach(function (f) {
      if (form.severity.value && f.s !== form.severity.value) return;
      if (form.account.value && f.a !== form.account.value) return;
      if (form.rule.value && f.r !== form.rule.value) return;
      if (form.category.value && f.c !== form.category.value) return;
      if (terms.length && !matchesWords(f.hay, terms)) return;
      if (!showSuppressed && f.sup && f.sup.on) { hidden++; return; }
      shown.push(f);
    });
    var fragment = document.createDocumentFragment();
    shown.forEach(function (f) { fragment.appendChild(findingRow(f)); });
    if (!shown.length) fragment.appendChild(emptyRow(6, findings.length ? "No findings match these filters." : "No findings."));
    findingBody.replaceChildren(fragment);
    document.getElementById("findings-count").textContent = "Showing " + shown.length + " of " + findings.length +
      (hidden ? " · " + hidden + " suppressed hidden" : "");
    document.body.dataset.visibleFindings = String(shown.length);
  }

  function renderEvaluations() {
    var form = evaluationForm.elements;
    var terms = words(form.eq.value);
    var shown = evaluations.filter(function (e) {
      return (!form.compliance.value || e.c === form.compliance.value) &&
        (!form.eaccount.value || e.a === form.eaccount.value) &&
        (!terms.length || matchesWords(e.hay, terms));
    });
    var fragment = document.createDocumentFragment();
    shown.forEach(function (e) { fragment.appendChild(evaluationRow(e)); });
    if (!shown.length) fragment.appendChild(emptyRow(4, evaluations.length ? "No evaluations match these filters." : "No evaluations (the rule did not run)."));
    evaluationBody.replaceChildren(fragment);
    document.getElementById("evaluations-count").textContent = "Showing " + shown.length + " of " + evaluations.length;
    document.body.dataset.visibleEvaluations = String(shown.length);
  }

  function render() { renderFindings(); renderEvaluations(); document.body.dataset.ready = "true"; }
  function changed() { writeHash(); render(); }

  var timer = null;
  [findingForm, evaluationForm].forEach(function (form) {
    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) {
      if (event.target.type !== "search") return;
      clearTimeout(timer); timer = setTimeout(changed, 150);
    });
  });
  document.querySelectorAll("button.reset").forEach(function (button) {
    button.addEventListener("click", function () {
      button.form.reset(); changed();
    });
  });
  window.addEventListener("hashchange", function () {
    readHash(); render();
    if (location.hash.length > 1 && !/^#(findings|evaluations)$/.test(location.hash)) document.getElementById("findings").scrollIntoView();
  });
  readHash();
  render();
})();
