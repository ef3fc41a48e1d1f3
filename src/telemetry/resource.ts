// Who is reporting: the OpenTelemetry resource every span and metric carries.
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { VERSION } from "../version.ts";

export function isartorResource(): Resource {
  return resourceFromAttributes({ "service.name": "isartor", "service.version": VERSION });
}
