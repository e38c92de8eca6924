/* The course site's small fixes to the theme (sphinx-book-theme 1.3 / pydata-sphinx-theme 0.17).
 *
 * 1. Menu and contents buttons. The page has two .primary-toggle and two .secondary-toggle
 *    buttons: a hidden pair in pydata's header and the visible pair in the book theme's article
 *    header. Both themes' scripts wire only the first (hidden) one, so the visible ☰ and
 *    contents buttons did nothing (pydata-sphinx-theme#2451, sphinx-book-theme#988; the fixed
 *    theme releases need Sphinx 8, which Jupyter Book 1 does not support). A click on a visible
 *    button is forwarded to the wired one.
 * 2. Search results show math as text: "\(T\)" becomes "T".
 */
(function () {
  "use strict";

  function onReady(callback) {
    if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  }

  function forwardToggles(selector) {
    var buttons = document.querySelectorAll(selector);
    var wired = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener(
        "click",
        function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          wired.click();
          // The themes return focus to the button that was clicked when the dialog closes.
          var dialog = document.querySelector(selector === ".primary-toggle" ? "#pst-primary-sidebar-modal" : "#pst-secondary-sidebar-modal");
          if (dialog) dialog.addEventListener("close", function () { button.focus(); }, { once: true });
        },
        true
      );
    });
  }

  onReady(function () {
    forwardToggles(".primary-toggle");
    forwardToggles(".secondary-toggle");
  });

  // Search snippets: strip TeX delimiters from the text Sphinx extracts from each page.
  function plainMath(text) {
    return text
      .replace(/\\\(\s*([\s\S]*?)\s*\\\)/g, "$1")
      .replace(/\\\[\s*([\s\S]*?)\s*\\\]/g, "$1")
      .replace(/\$\$([\s\S]*?)\$\$/g, "$1");
  }
  onReady(function () {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    var htmlToText = Search.htmlToText;
    Search.htmlToText = function () {
      return plainMath(htmlToText.apply(this, arguments));
    };
  });
})();
