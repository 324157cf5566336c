/* MAGIX scenario exercise: posts the learner's actions and swaps in the server-rendered step.
   The page never holds more than the current step; all text arrives translated from the server. */
function MagixScenarioBlock(runtime, element, init) {
    'use strict';
    var root = element.querySelector ? element : element[0];
    var prefix = init.prefix;
    var panel = root.querySelector('#' + prefix + '-panel');
    var outcome = root.querySelector('#' + prefix + '-outcome');
    var errorBox = root.querySelector('#' + prefix + '-error');
    var busy = false;

    function focusFirstHeading(container) {
        var heading = container.querySelector('h3');
        if (heading) { heading.focus(); }
    }

    function post(handler, data) {
        if (busy) { return; }
        busy = true;
        errorBox.textContent = '';
        data.prefix = prefix;
        // Say which state this action answers, so a double click or a retry is applied once.
        var shown = panel.querySelector('[data-attempt]');
        if (shown) {
            data.attempt = parseInt(shown.getAttribute('data-attempt'), 10);
            data.position = parseInt(shown.getAttribute('data-position'), 10);
            if (shown.getAttribute('data-step')) { data.step = shown.getAttribute('data-step'); }
        }
        $.ajax({
            type: 'POST',
            url: runtime.handlerUrl(root, handler),
            data: JSON.stringify(data),
            contentType: 'application/json; charset=utf-8',
            dataType: 'json'
        }).done(function (response) {
            if (response.error) {
                errorBox.textContent = response.error;
                return;
            }
            outcome.innerHTML = response.outcome || '';
            panel.innerHTML = response.html;
            errorBox.textContent = response.notice || '';
            // Move focus to what changed: the consequence if there is one, else the new step.
            focusFirstHeading(response.outcome ? outcome : panel);
        }).fail(function (xhr) {
            var answer = xhr.responseJSON;
            errorBox.textContent = (answer && answer.error) || init.strings.error;
        }).always(function () {
            busy = false;
        });
    }

    root.addEventListener('submit', function (event) {
        var form = event.target.closest('form.magix-step');
        if (!form) { return; }
        event.preventDefault();
        var chosen = form.querySelector('input[type=radio]:checked');
        if (!chosen) {
            errorBox.textContent = init.strings.choose;
            form.querySelector('input[type=radio]').focus();
            return;
        }
        var reflection = form.querySelector('textarea[name=reflection]');
        post('choose', {option: chosen.value, reflection: reflection ? reflection.value : ''});
    });

    root.addEventListener('click', function (event) {
        var button = event.target.closest('[data-action]');
        if (!button || !root.contains(button)) { return; }
        var action = button.getAttribute('data-action');
        if (action === 'restart' && !window.confirm(init.strings.confirmRestart)) { return; }
        post(action, {});
    });
}
