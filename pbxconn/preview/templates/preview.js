(function () {
  "use strict";
  var search = document.getElementById("search");
  var count = document.getElementById("count");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var unchanged = document.getElementById("show-unchanged");

  function terms() {
    return search.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function filter() {
    var wanted = terms();
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute("data-search") || "";
      var hit = wanted.every(function (t) { return text.indexOf(t) !== -1; });
      card.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (group) {
      var members = group.querySelectorAll(".card");
      var any = Array.prototype.some.call(members, function (c) { return !c.hidden; });
      group.hidden = members.length > 0 && !any;
    });
    var noun = cards.length === 1 ? " operation" : " operations";
    count.textContent = wanted.length ? shown + " of " + cards.length + noun : cards.length + noun;
  }

  function reachable() {
    return cards.filter(function (c) { return !c.hidden && c.getClientRects().length > 0; });
  }

  function move(step) {
    var list = reachable();
    if (!list.length) { return; }
    var active = document.activeElement;
    var current = active && active.closest ? active.closest(".card") : null;
    var at = list.indexOf(current);
    var next = at === -1 ? (step > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, at + step));
    var summary = list[next].querySelector("summary");
    summary.focus();
    summary.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
    if (target === search) {
      if (event.key === "Escape") { search.blur(); }
      else if (event.key === "ArrowDown" || event.key === "Enter") { event.preventDefault(); move(1); }
      return;
    }
    if (typing) { return; }
    if (event.key === "/") { event.preventDefault(); search.focus(); search.select(); }
    else if (event.key === "j" || event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "k" || event.key === "ArrowUp") { event.preventDefault(); move(-1); }
  });

  search.addEventListener("input", filter);
  if (unchanged) {
    unchanged.addEventListener("change", function () {
      document.body.classList.toggle("show-unchanged", unchanged.checked);
    });
  }
  filter();
}());
