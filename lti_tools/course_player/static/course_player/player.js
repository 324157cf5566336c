/* The course player, after the blocks' scripts: what the LMS adds to jQuery for them. */
(function ($) {
  'use strict';
  if (!$) { return; }
  // Django's CSRF token on the blocks' AJAX calls (as the LMS does).
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) { $.ajaxSetup({headers: {'X-CSRFToken': decodeURIComponent(match[1])}}); }
  // The LMS's ajax_prefix.js helpers, without a prefix: handler URLs are already absolute.
  $.postWithPrefix = $.postWithPrefix || $.post;
  $.getWithPrefix = $.getWithPrefix || $.get;
  $.ajaxWithPrefix = $.ajaxWithPrefix || $.ajax;
}(window.jQuery));
