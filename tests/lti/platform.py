"""A real LTI 1.3 platform for the tests: lti-consumer-xblock's ``LtiAdvantageConsumer`` signs the
launches, and a real HTTP server on 127.0.0.1 serves what the consumer lacks: its JWKS, the
OAuth 2 token endpoint (validated by the consumer itself, against the tool's JWKS), AGS line
items and scores, an NRPS roster, and Dynamic Registration. It records what arrives and can be
told to fail for a while.
"""
from __future__ import annotations

import json
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti_consumer.lti_1p3.consumer import LtiAdvantageConsumer
from lti_consumer.lti_1p3.key_handlers import PlatformKeyHandler

from lti_tools.lti1p3.launch import Registration

CLIENT_ID = 'magix-tool-client'
DEPLOYMENT_ID = 'deployment-1'
TOOL_LAUNCH = 'http://testserver/lti/launch/'
SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
LINEITEM_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'
NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'


def new_rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class Platform:
    """The platform under test's control: ``url`` is its base, ``consumer`` signs its messages."""

    def __init__(self):
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.platform = self
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        self.issuer = self.url
        self.private_pem, self.kid = new_rsa_pem(), 'platform-key-1'
        self.consumer = LtiAdvantageConsumer(
            iss=self.issuer, lti_oidc_url=f'{self.url}/auth', lti_launch_url=TOOL_LAUNCH, client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID, rsa_key=self.private_pem, rsa_key_id=self.kid,
            redirect_uris=[TOOL_LAUNCH], tool_keyset_url=f'{self.url}/tool-jwks')
        self.published_keys = [self.consumer.get_public_keyset()['keys'][0]]
        self.tool_jwks = {'keys': []}      # what the tool publishes (copied from its /lti/jwks/)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.scores: list[dict] = []
        self.score_failures_left = 0
        self.on_score = None               # called once a score is recorded, before the answer goes out
        self.token_requests = 0
        self.members: list[dict] = []
        self.registrations: list[dict] = []
        self.lineitems: list[dict] = []       # what GET/POST /lineitems see (links without a lineitem claim)
        self.course_iframe_src = ''        # the course page (GET /course) frames the tool here
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- keys ---------------------------------------------------------------------------------------

    def rotate_key(self, keep_old=False):
        """A new platform signing key (and kid); the JWKS serves it, with the old one if asked."""
        self.private_pem, self.kid = new_rsa_pem(), f'platform-key-{len(self.published_keys) + 1}'
        self.consumer.key_handler = PlatformKeyHandler(self.private_pem, self.kid)
        new = self.consumer.get_public_keyset()['keys'][0]
        self.published_keys = [new, *self.published_keys] if keep_old else [new]

    def sign(self, claims: dict, headers: dict | None = None, key_pem: str | None = None) -> str:
        """Sign as the platform; ``headers`` replaces the JOSE header (e.g. to drop the kid)."""
        return jwt.encode(claims, key_pem or self.private_pem, algorithm='RS256',
                          headers={'kid': self.kid} if headers is None else headers)

    # --- the HTTP side ---------------------------------------------------------------------------------

    def registration(self) -> Registration:
        """How the tool registers this platform (what an administrator types into ``register-platform``)."""
        return Registration(issuer=self.issuer, client_id=CLIENT_ID, keyset_url=f'{self.url}/jwks',
                            auth_login_url=f'{self.url}/auth', auth_token_url=f'{self.url}/token',
                            deployment_ids=frozenset({DEPLOYMENT_ID}))

    def lineitem(self, name='1') -> str:
        return f'{self.url}/lineitems/{name}'

    def memberships_url(self) -> str:
        return f'{self.url}/memberships'

    def openid_configuration(self) -> dict:
        return {'issuer': self.issuer, 'authorization_endpoint': f'{self.url}/auth',
                'token_endpoint': f'{self.url}/token', 'jwks_uri': f'{self.url}/jwks',
                'registration_endpoint': f'{self.url}/register',
                'https://purl.imsglobal.org/spec/lti-platform-configuration': {'product_family_code': 'harness'}}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def _json(self, status, body, content_type='application/json', headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _html(self, status, html):
        data = html.encode()
        self.send_response(status)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authenticate(self, params):
        """The platform's OIDC authorisation endpoint: answer with the launch, auto-posted."""
        try:
            answer = self.platform.consumer.generate_launch_request(params)
        except Exception as error:  # noqa: BLE001 - the consumer refuses with various exceptions
            return self._html(400, f'<p>refused: {escape(repr(error))}</p>')
        return self._html(200, f'<form method="post" action="{escape(params["redirect_uri"])}">'
                               f'<input type="hidden" name="state" value="{escape(answer["state"])}">'
                               f'<input type="hidden" name="id_token" value="{escape(answer["id_token"])}">'
                               f'</form><script>document.forms[0].submit()</script>')

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get('Content-Length') or 0))

    def _authorised(self, scope) -> bool:
        header = self.headers.get('Authorization', '')
        if not header.startswith('Bearer '):
            return False
        try:
            return self.platform.consumer.check_token(header[7:], [scope])
        except Exception:  # noqa: BLE001 - any invalid token is a 401 here
            return False

    def do_GET(self):
        path = urlsplit(self.path).path
        self.platform.requests.append(('GET', path))
        if path == '/jwks':
            return self._json(200, {'keys': self.platform.published_keys})
        if path == '/moved-jwks':   # a key set URL that redirects (the tool must not follow)
            return self._json(302, {}, headers=[('Location', f'{self.platform.url}/jwks')])
        if path == '/tool-jwks':
            return self._json(200, self.platform.tool_jwks)
        if path == '/course':
            # As an LMS unit page frames a tool: a titled iframe in the page's main content.
            return self._html(200, f'<!DOCTYPE html><html lang="en"><title>Course</title><main><h1>Course</h1>'
                                   f'<iframe title="Exercise" src="{escape(self.platform.course_iframe_src)}" '
                                   f'style="width:100%;height:600px;border:0"></iframe></main></html>')
        if path == '/auth':
            return self._authenticate({key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()})
        if path == '/.well-known/openid-configuration':
            return self._json(200, self.platform.openid_configuration())
        if path == '/lineitems':
            if not (self._authorised(LINEITEM_SCOPE) or self._authorised(LINEITEM_SCOPE + '.readonly')):
                return self._json(401, {'error': 'unauthorised'})
            link = parse_qs(urlsplit(self.path).query).get('resource_link_id', [None])[0]
            return self._json(200, [item for item in self.platform.lineitems if item.get('resourceLinkId') == link],
                              'application/vnd.ims.lis.v2.lineitemcontainer+json')
        if path.startswith('/memberships'):
            if not self._authorised(NRPS_SCOPE):
                return self._json(401, {'error': 'unauthorised'})
            page = parse_qs(urlsplit(self.path).query).get('page', ['1'])[0]
            members = self.platform.members
            half = len(members) // 2
            if page == '1':
                return self._json(200, {'id': self.path, 'context': {'id': 'course-1'}, 'members': members[:half]},
                                  'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
                                  [('Link', f'<{self.platform.url}/memberships?page=2>; rel="next"')])
            return self._json(200, {'id': self.path, 'members': members[half:]},
                              'application/vnd.ims.lti-nrps.v2.membershipcontainer+json')
        return self._json(404, {'error': 'not found'})

    def do_POST(self):
        path = urlsplit(self.path).path
        body = self._body()
        self.platform.requests.append(('POST', path))
        if path == '/token':
            self.platform.token_requests += 1
            form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
            try:
                return self._json(200, self.platform.consumer.access_token(form))
            except Exception as error:  # noqa: BLE001 - the consumer refuses with various exceptions
                return self._json(400, {'error': 'invalid_client', 'error_description': repr(error)})
        if path == '/lineitems':
            if not self._authorised(LINEITEM_SCOPE):
                return self._json(401, {'error': 'unauthorised'})
            item = {**json.loads(body), 'id': self.platform.lineitem(f'created-{len(self.platform.lineitems) + 1}')}
            self.platform.lineitems.append(item)
            return self._json(201, item, 'application/vnd.ims.lis.v2.lineitem+json')
        if path.startswith('/lineitems/') and path.endswith('/scores'):
            if not self._authorised(SCORE_SCOPE):
                return self._json(401, {'error': 'unauthorised'})
            if self.headers.get('Content-Type') != 'application/vnd.ims.lis.v1.score+json':
                return self._json(415, {'error': 'wrong media type'})
            with self.platform.lock:
                if self.platform.score_failures_left > 0:
                    self.platform.score_failures_left -= 1
                    return self._json(503, {'error': 'down for maintenance'})
                self.platform.scores.append({'lineitem': path[:-len('/scores')], **json.loads(body)})
            if self.platform.on_score is not None:
                self.platform.on_score()
            return self._json(200, {})
        if path == '/register':
            if self.headers.get('Authorization') != 'Bearer reg-token-1':
                return self._json(401, {'error': 'bad registration token'})
            configuration = json.loads(body)
            self.platform.registrations.append(configuration)
            return self._json(200, {**configuration, 'client_id': 'dyn-client-1',
                                    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
                                        **configuration['https://purl.imsglobal.org/spec/lti-tool-configuration'],
                                        'deployment_id': 'dyn-deployment-1'}})
        return self._json(404, {'error': 'not found'})
