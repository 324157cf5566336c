"""Names from the LTI 1.3 Core, Deep Linking 2.0, AGS 2.0 and NRPS 2.0 specifications."""

LTI = 'https://purl.imsglobal.org/spec/lti/claim/'
MESSAGE_TYPE = LTI + 'message_type'
VERSION = LTI + 'version'
DEPLOYMENT_ID = LTI + 'deployment_id'
TARGET_LINK_URI = LTI + 'target_link_uri'
RESOURCE_LINK = LTI + 'resource_link'
ROLES = LTI + 'roles'
CONTEXT = LTI + 'context'
CUSTOM = LTI + 'custom'
LAUNCH_PRESENTATION = LTI + 'launch_presentation'
TOOL_PLATFORM = LTI + 'tool_platform'

DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/'
DL_SETTINGS = DL + 'deep_linking_settings'
DL_CONTENT_ITEMS = DL + 'content_items'
DL_DATA = DL + 'data'
DL_MSG = DL + 'msg'

AGS_ENDPOINT = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'
NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'

LTI_VERSION = '1.3.0'
RESOURCE_LINK_REQUEST = 'LtiResourceLinkRequest'
DEEP_LINKING_REQUEST = 'LtiDeepLinkingRequest'
DEEP_LINKING_RESPONSE = 'LtiDeepLinkingResponse'
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

SCOPE_LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'
SCOPE_LINEITEM_READONLY = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly'
SCOPE_RESULT_READONLY = 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly'
SCOPE_SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
SCOPE_NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'
TOOL_SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE, SCOPE_NRPS)

# Roles (LTI 1.3 Core, appendix A). Context roles may also come in their short form ("Instructor").
CONTEXT_ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'
INSTITUTION_ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#'
SYSTEM_ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/system/person#'
TEACHING_CONTEXT_ROLES = ('Instructor', 'Administrator', 'ContentDeveloper', 'Mentor')
TEACHING_INSTITUTION_ROLES = ('Administrator', 'Faculty', 'Instructor')
TEACHING_SYSTEM_ROLES = ('Administrator', 'SysAdmin')
