/* Studio editor for the MAGIX scenario: settings and XML, with a live diagram and check (MagixStudioEditor). */
function MagixScenarioStudio(runtime, element, init) {
    'use strict';
    var root = element.querySelector ? element : element[0];
    var xml = root.querySelector('textarea[name=scenario_xml]');
    var diagram = root.querySelector('.magix-studio__diagram');

    function settings() {
        var values = {};
        root.querySelectorAll('.settings-list [name]').forEach(function (input) {
            if (input.name === 'scenario_xml') { return; }
            var value = input.value;
            if (input.getAttribute('data-type') === 'boolean') { value = value === 'true'; }
            if (input.getAttribute('data-type') === 'number') { value = Number(value); }
            values[input.name] = value;
        });
        return values;
    }

    function redraw(r) { if (r && typeof r.svg === 'string') { diagram.innerHTML = r.svg; } }

    MagixStudioEditor(runtime, root, {
        strings: init.strings,
        source: 'textarea[name=scenario_xml]',
        checkHandler: 'preview_diagram',
        checkData: function () { return {scenario_xml: xml.value, scoring_mode: settings().scoring_mode}; },
        saveData: function () { return {settings: settings(), scenario_xml: xml.value}; },
        onChecked: redraw,
        onSaved: redraw
    });
}
