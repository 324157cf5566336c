"""LTI 1.3 Advantage, tool side, in plain Python (no Django, no XBlock).

The Django app ``lti_tools.tool`` is a thin shell over these modules: it stores platforms,
keys, nonces and the grade queue, and hands them to the functions here. JOSE goes through
PyJWT; HTTP through requests.
"""
