/* The MAGIX Studio editors' shared behaviour (scenario and pathway): a live check as the course team
   types, saving through the runtime, the result announced (role=status / alert) and, on a failed save,
   focused. A check or save that fails on the network or the server still shows a readable message. */
window.MagixStudioEditor = window.MagixStudioEditor || function (runtime, root, options) {
    'use strict';
    var strings = options.strings;
    var report = root.querySelector('.magix-studio__report');
    var message = root.querySelector('.magix-studio__message');
    var problems = root.querySelector('.magix-studio__problems');
    var source = root.querySelector(options.source);
    var timer = null, sequence = 0;

    function show(state, text, list) {
        report.className = 'magix-studio__report is-' + state;   // role=status: announced as it changes
        message.textContent = text || '';
        problems.innerHTML = '';
        (list || []).forEach(function (text) {
            var item = document.createElement('li');
            item.textContent = text;
            problems.appendChild(item);
        });
        problems.hidden = !(list && list.length);
    }

    function reason(xhr) {
        if (xhr && xhr.status) { return 'HTTP ' + xhr.status + (xhr.statusText ? ' ' + xhr.statusText : ''); }
        return xhr && xhr.statusText ? xhr.statusText : 'network';
    }

    function post(handler, data) {
        return $.ajax({type: 'POST', url: runtime.handlerUrl(root, handler), data: JSON.stringify(data),
                       contentType: 'application/json; charset=utf-8', dataType: 'json'});
    }

    function check() {
        var mine = ++sequence;
        show('pending', strings.checking);
        post(options.checkHandler, options.checkData()).done(function (r) {
            if (mine !== sequence) { return; }
            var list = (r && r.problems) || [];
            if (options.onChecked) { options.onChecked(r); }
            show(list.length ? 'error' : 'success', list.length ? strings.problems : strings.valid, list);
        }).fail(function (xhr) {
            if (mine === sequence) { show('error', strings.check_failed.replace('{error}', reason(xhr))); }
        });
    }

    source.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(check, 600);
    });

    function saveFailed(text, list) {
        show('error', text, list);
        message.focus();   // the course team lands on what went wrong, the list follows
        if (runtime.notify) { runtime.notify('error', {title: strings.error, message: [text].concat(list || []).join(' ')}); }
    }

    root.querySelector('.save-button').addEventListener('click', function (event) {
        event.preventDefault();
        clearTimeout(timer);
        sequence++;   // a check still under way must not overwrite the save's answer
        show('pending', strings.saving);
        if (runtime.notify) { runtime.notify('save', {state: 'start'}); }
        post('studio_submit', options.saveData()).done(function (r) {
            if (r && r.result === 'success') {
                show('success', strings.saved);
                if (options.onSaved) { options.onSaved(r); }
                if (runtime.notify) { runtime.notify('save', {state: 'end'}); }
            } else {
                saveFailed(strings.error, (r && r.errors) || []);
            }
        }).fail(function (xhr) {
            saveFailed(strings.save_failed.replace('{error}', reason(xhr)));
        });
    });

    root.querySelector('.cancel-button').addEventListener('click', function (event) {
        event.preventDefault();
        if (runtime.notify) { runtime.notify('cancel', {}); }
    });

    return {check: check, show: show};
};
