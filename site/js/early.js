// Run in <head>, before the body is laid out: the parts of the form after the first wait
// for the form's script (which shows one part at a time), so the page's first layout is of
// one part, not of the whole set; on a slow phone the page is ready sooner. Old-style
// JavaScript, so that it also runs in a browser too old for the form's script: there,
// and wherever that script does not run, the page's load shows every part again, as
// without JavaScript.
(function () {
  var root = document.documentElement;
  root.classList.add("sl-starting");
  window.addEventListener("load", function () {
    root.classList.remove("sl-starting");
  });
})();
