/* The course player: send Django's CSRF token with the blocks' AJAX calls (as the LMS does). */
(function () {
  'use strict';
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (window.jQuery && match) {
    window.jQuery.ajaxSetup({headers: {'X-CSRFToken': decodeURIComponent(match[1])}});
  }
}());
