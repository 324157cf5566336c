"""The LTI 1.3 tool: a Django shell over ``lti_tools.lti1p3`` hosting the scenario XBlock."""
