-- Argo CD health check for mimamori.dev ReleaseCheck, the post-deploy performance gate.
-- argocd-cm-patch.yaml (next to this file) inlines it unchanged; a test keeps the two equal.
--
-- Progressing  no status yet, Pending (warming up), Analyzing, or a verdict whose action on
--              the Deployment is still being carried out (action.result Pending).
-- Healthy      Passed; Superseded (a newer rollout replaced the one under test before a
--              verdict, and nothing was done); Inconclusive when spec.onInconclusive is Pass.
-- Suspended    Failed, or Inconclusive counted as failed, and the Deployment was paused
--              (action Pause, Done): the rollout waits for a person to decide.
-- Degraded     Failed, Inconclusive (a gate that could not decide must not let a sync wave
--              through) and Error.
--
-- Only the phase decides. observedGeneration is not compared: a finished check never reads
-- its spec again, so an edit made after the verdict would otherwise look unprocessed forever.
--
-- Plain Lua 5.1 with the base library only: Argo CD does not open the string library for
-- custom health checks.

local datadogReasons = {
  DatadogRateLimited = true,
  DatadogUnavailable = true,
  DatadogForbidden = true
}

local hs = {}
local status = obj.status or {}
local phase = status.phase
local message = status.message or ""
local action = status.action or {}
local actionType = action.type or ""
local onInconclusive = nil
if obj.spec ~= nil then
  onInconclusive = obj.spec.onInconclusive
end

local function readyCondition()
  if status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then
      return condition
    end
  end
  return nil
end

local decided = phase == "Passed" or phase == "Failed" or phase == "Inconclusive"

if phase == nil or phase == "" then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
elseif phase == "Pending" or phase == "Analyzing" then
  hs.status = "Progressing"
  hs.message = message
  if message == "" then
    hs.message = phase
  end
  -- Datadog could not be read this time; the operator retries, the phase stays.
  local ready = readyCondition()
  if ready ~= nil and ready.status == "False" and ready.reason ~= nil
      and datadogReasons[ready.reason] then
    hs.message = hs.message .. " (" .. ready.reason .. ": " .. (ready.message or "") .. ")"
  end
elseif decided and action.result == "Pending" then
  hs.status = "Progressing"
  hs.message = message .. "; acting: " .. actionType
elseif phase == "Passed" then
  hs.status = "Healthy"
  hs.message = message
elseif phase == "Failed" or phase == "Inconclusive" then
  if actionType == "Pause" and action.result == "Done" then
    hs.status = "Suspended"
    hs.message = message .. "; a person has to resume or roll back the Deployment"
  elseif phase == "Inconclusive" and onInconclusive == "Pass" then
    hs.status = "Healthy"
    hs.message = message .. " (inconclusive, counted as passed: onInconclusive is Pass)"
  else
    hs.status = "Degraded"
    hs.message = message
  end
elseif phase == "Error" then
  hs.status = "Degraded"
  hs.message = message
elseif phase == "Superseded" then
  hs.status = "Healthy"
  hs.message = message
else
  hs.status = "Progressing"
  hs.message = "Unknown phase " .. tostring(phase)
    .. "; the health check may be older than the operator"
end
return hs
