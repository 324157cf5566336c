/* Studio editor for the MAGIX credential pathway: title and XML, checked as you type (MagixStudioEditor). */
function MagixCredentialStudio(runtime, element, init) {
    'use strict';
    var root = element.querySelector ? element : element[0];
    var xml = root.querySelector('textarea[name=pathway_xml]');
    var title = root.querySelector('input[name=display_name]');

    var editor = MagixStudioEditor(runtime, root, {
        strings: init.strings,
        source: 'textarea[name=pathway_xml]',
        checkHandler: 'check_pathway',
        checkData: function () { return {pathway_xml: xml.value}; },
        saveData: function () { return {display_name: title.value, pathway_xml: xml.value}; }
    });

    var load = root.querySelector('.magix-credentials-studio__load');
    if (load) {
        load.addEventListener('click', function () {
            var chosen = init.pathways[Number(root.querySelector('select[name=shipped]').value)];
            if (chosen && window.confirm(init.strings.replace)) {
                xml.value = chosen;
                editor.check();
                xml.focus();
            }
        });
    }
}
