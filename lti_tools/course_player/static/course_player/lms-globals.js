/* What the LMS pages give Open edX's extracted blocks before they load: edx-ui-toolkit's
   StringUtils.interpolate (the one helper capa's ProblemBlockDisplay.js calls: "{name}" -> value)
   and the LMS's screen-reader announcer ``window.SR`` (an aria-live region). */
(function () {
  'use strict';
  window.edx = window.edx || {};
  window.edx.StringUtils = window.edx.StringUtils || {
    interpolate: function (text, context) {
      return String(text).replace(/\{(\w+)\}/g, function (token, key) {
        return context && Object.prototype.hasOwnProperty.call(context, key) ? context[key] : token;
      });
    }
  };
  window.SR = window.SR || {
    region: function () {
      var region = document.getElementById('cp-reader-alert');
      if (!region) {
        region = document.createElement('div');
        region.id = 'cp-reader-alert';
        region.className = 'cp-visually-hidden';
        region.setAttribute('aria-live', 'polite');
        document.body.appendChild(region);
      }
      return region;
    },
    readTexts: function (texts) {
      var region = this.region();
      region.textContent = '';
      (texts || []).forEach(function (text) {
        var line = document.createElement('p');
        line.textContent = text;
        region.appendChild(line);
      });
    },
    readText: function (text) { this.readTexts([text]); },
    readElts: function (elements) {
      this.readTexts(Array.prototype.map.call(elements || [], function (element) {
        return element.textContent || (element.text && element.text()) || '';
      }));
    }
  };
}());
