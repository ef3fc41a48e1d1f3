// OAuth 2.0 Device Authorization Grant (RFC 8628): ask for a user code, show it, poll for the token.
export interface DeviceFlowEndpoints {
  deviceUrl: string;
  tokenUrl: string;
  clientId: string;
  scope?: string;
}

export interface DeviceCode {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

export interface DeviceToken {
  access_token: string;
  token_type?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

export class DeviceFlowError extends Error {
  override name = "DeviceFlowError";
}

/** Providers that offer a device flow out of the box. */
export const DEVICE_FLOW_PROVIDERS: Record<string, DeviceFlowEndpoints> = {
  "github-copilot": {
    deviceUrl: "https://github.com/login/device/code",
    tokenUrl: "https://github.com/login/oauth/access_token",
    // the public client id GitHub Copilot's editor integrations use for device login
    clientId: "Iv1.b507a08c87ecfe98",
    scope: "read:user",
  },
};

async function postForm(url: string, form: Record<string, string>, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
    signal: signal ?? AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  if (!res.ok && typeof body.error !== "string") throw new DeviceFlowError(`${url} answered HTTP ${res.status}`);
  return body;
}

export async function requestDeviceCode(ep: DeviceFlowEndpoints): Promise<DeviceCode> {
  const body = await postForm(ep.deviceUrl, { client_id: ep.clientId, ...(ep.scope ? { scope: ep.scope } : {}) });
  if (typeof body.error === "string") throw new DeviceFlowError(`device authorisation refused: ${body.error}${body.error_description ? ` (${body.error_description})` : ""}`);
  const verification = (body.verification_uri ?? body.verification_url) as string | undefined;
  if (typeof body.device_code !== "string" || typeof body.user_code !== "string" || !verification) {
    throw new DeviceFlowError("device authorisation answer lacks device_code, user_code or verification_uri");
  }
  return { ...(body as unknown as DeviceCode), verification_uri: verification, expires_in: Number(body.expires_in ?? 900), interval: body.interval === undefined ? undefined : Number(body.interval) };
}

/** Polls the token endpoint until the user approved, refused, or the code expired. */
export async function pollForToken(ep: DeviceFlowEndpoints, code: DeviceCode, sleep = (ms: number) => Bun.sleep(ms)): Promise<DeviceToken> {
  let intervalMs = (code.interval ?? 5) * 1000;
  const deadline = Date.now() + code.expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const body = await postForm(ep.tokenUrl, {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: code.device_code,
      client_id: ep.clientId,
    });
    if (typeof body.access_token === "string") return body as unknown as DeviceToken;
    switch (body.error) {
      case "authorization_pending":
        continue;
      case "slow_down":
        intervalMs += 5000;
        continue;
      case "access_denied":
        throw new DeviceFlowError("the authorisation was denied");
      case "expired_token":
        throw new DeviceFlowError("the device code expired before it was approved; run the login again");
      default:
        throw new DeviceFlowError(`token endpoint answered: ${String(body.error ?? "no access_token")}`);
    }
  }
  throw new DeviceFlowError("the device code expired before it was approved; run the login again");
}
