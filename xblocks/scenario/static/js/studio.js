/* Studio editor for the MAGIX scenario: settings form, XML with live diagram and validation. */
function MagixScenarioStudio(runtime, element, init) {
    'use strict';
    var root = element.querySelector ? element : element[0];
    var xml = root.querySelector('textarea[name=scenario_xml]');
    var problems = root.querySelector('.magix-studio__problems');
    var diagram = root.querySelector('.magix-studio__diagram');
    var status = root.querySelector('.magix-studio__report');
    var timer = null;

    function showProblems(list, heading) {
        problems.innerHTML = '';
        if (heading) {
            var title = document.createElement('li');
            title.textContent = heading;
            problems.appendChild(title);
        }
        (list || []).forEach(function (text) {
            var item = document.createElement('li');
            item.textContent = text;
            problems.appendChild(item);
        });
    }

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

    function post(handler, data) {
        return $.ajax({type: 'POST', url: runtime.handlerUrl(root, handler), data: JSON.stringify(data),
                       contentType: 'application/json; charset=utf-8', dataType: 'json'});
    }

    function preview() {
        post('preview_diagram', {scenario_xml: xml.value, scoring_mode: settings().scoring_mode}).done(function (r) {
            diagram.innerHTML = r.svg || '';
            showProblems(r.problems, r.problems.length ? null : init.strings.valid);
        });
    }

    xml.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(preview, 600);
    });

    root.querySelector('.save-button').addEventListener('click', function () {
        showProblems([], init.strings.saving);
        if (runtime.notify) { runtime.notify('save', {state: 'start'}); }
        post('studio_submit', {settings: settings(), scenario_xml: xml.value}).done(function (r) {
            if (r.result === 'success') {
                showProblems([], init.strings.saved);
                if (runtime.notify) { runtime.notify('save', {state: 'end'}); }
            } else {
                showProblems(r.errors, init.strings.error);
                if (runtime.notify) { runtime.notify('error', {title: init.strings.error, message: r.errors.join(' ')}); }
            }
        });
    });

    root.querySelector('.cancel-button').addEventListener('click', function () {
        if (runtime.notify) { runtime.notify('cancel', {}); }
    });
}
