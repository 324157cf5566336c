# MAGIX LTI tool service: migrations, then our signing keys (created once; idempotent)
magix lti init
