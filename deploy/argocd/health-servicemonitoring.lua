-- Argo CD health check for mimamori.dev ServiceMonitoring.
-- argocd-cm-patch.yaml (next to this file) inlines it unchanged; a test keeps the two equal.
--
-- Healthy      Ready is True: Datadog holds exactly the monitors this resource asks for.
-- Progressing  no status yet, a status older than the spec (observedGeneration < generation),
--              no Ready condition, or Ready False for a Datadog problem the operator retries
--              on its own (Queued, DatadogRateLimited, DatadogUnavailable).
-- Degraded     any other Ready False: a person has to fix the spec, the profile or the keys.
--
-- Plain Lua 5.1 with the base library only: Argo CD does not open the string library for
-- custom health checks.

local transientReasons = {
  Queued = true,
  DatadogRateLimited = true,
  DatadogUnavailable = true
}

local hs = {}
local status = obj.status

local ready = nil
if status ~= nil and status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      ready = condition
      break
    end
  end
end

local stale = false
if status ~= nil and obj.metadata ~= nil and obj.metadata.generation ~= nil
    and status.observedGeneration ~= nil then
  stale = status.observedGeneration < obj.metadata.generation
end

if status == nil or stale or ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end

local reason = ready.reason or ""
local message = ready.message or ""

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message
  if message == "" then
    hs.message = reason
  end
elseif ready.status == "False" and transientReasons[reason] then
  hs.status = "Progressing"
  hs.message = message
elseif ready.status == "False" then
  hs.status = "Degraded"
  hs.message = reason .. ": " .. message
else
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
end
return hs
