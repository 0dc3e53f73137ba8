// The staff admin: mends for Django's own widgets that axe-core flags (issue 20).
// Django's filter_horizontal widget (SelectFilter2.js) gives a bare <span> icon an aria-label,
// which ARIA does not allow on a span without a role (axe "aria-prohibited-attr"): make it the
// image it is. The widget is built on "load", so this runs just after.
window.addEventListener("load", () => {
  window.setTimeout(() => {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
