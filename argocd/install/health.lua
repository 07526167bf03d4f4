-- Argo CD health of NVIDIA DPF objects (dpf-render, argocd/install/health.lua). One script for every DPF
-- kind that has a status: argocd-cm maps it to each kind's resource.customizations.health key.
--
-- Conditions kinds (DPUDeployment, DPUServiceTemplate, DPUService, DPUServiceInterface, DPUServiceChain,
-- and DPUSet in newer DPF): no status yet, or a status older than the object's generation (overall or on
-- the Ready condition), is Progressing, so a fresh apply never shows the previous Ready; then the Ready
-- condition decides: True is Healthy, False with reason Failure (DPF's terminal reason) is Degraded, any
-- other reason (Pending, Error, which DPF retries, AwaitingDeletion) is Progressing with DPF's message.
--
-- DPUSet in DPF v24.10 has no conditions, only status.dpuStatistics (DPU phase -> count): any DPU in phase
-- Error is Degraded, every DPU Ready is Healthy, zero DPUs selected is Healthy (nothing to provision), else
-- Progressing with the counts. BFB: status.phase Ready is Healthy, Error is Degraded, the rest Progressing.
--
-- Written for Argo CD's Lua VM: Lua 5.1, base and table libraries only (no string library unless
-- useOpenLibs is set), so text is joined with `..` and table.concat.

local hs = {}

local function set(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local function generation()
  if obj.metadata ~= nil then
    return obj.metadata.generation
  end
  return nil
end

local function isStale(observed)
  local current = generation()
  return observed ~= nil and current ~= nil and observed < current
end

local function waitingForGeneration(observed)
  return set("Progressing", "Waiting for the controller to observe generation " .. tostring(generation()) ..
    " (it has seen " .. tostring(observed) .. ")")
end

local function readyCondition(status)
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

local function describe(condition, fallback)
  local parts = {}
  if condition.reason ~= nil and condition.reason ~= "" then
    table.insert(parts, condition.reason)
  end
  if condition.message ~= nil and condition.message ~= "" then
    table.insert(parts, condition.message)
  end
  if #parts == 0 then
    return fallback
  end
  return table.concat(parts, ": ")
end

local function fromReady(status)
  local ready = readyCondition(status)
  if ready == nil then
    return set("Progressing", "Waiting for the Ready condition")
  end
  if isStale(ready.observedGeneration) then
    return waitingForGeneration(ready.observedGeneration)
  end
  if ready.status == "True" then
    if ready.message ~= nil and ready.message ~= "" then
      return set("Healthy", ready.message)
    end
    return set("Healthy", "Ready")
  end
  if ready.status == "False" and ready.reason == "Failure" then
    return set("Degraded", describe(ready, "Failure"))
  end
  return set("Progressing", describe(ready, "Ready is " .. tostring(ready.status)))
end

local function fromDPUStatistics(statistics)
  local phases = {}
  local total = 0
  for phase, count in pairs(statistics) do
    table.insert(phases, phase)
    total = total + count
  end
  table.sort(phases)
  local counts = {}
  for _, phase in ipairs(phases) do
    table.insert(counts, phase .. ": " .. tostring(statistics[phase]))
  end
  local summary = table.concat(counts, ", ")
  local failed = statistics["Error"] or 0
  local ready = statistics["Ready"] or 0
  if failed > 0 then
    return set("Degraded", tostring(failed) .. " of " .. tostring(total) .. " DPUs in phase Error (" .. summary .. ")")
  end
  if total == 0 then
    return set("Healthy", "No DPU matches this DPUSet")
  end
  if ready == total then
    return set("Healthy", "All " .. tostring(total) .. " DPUs Ready")
  end
  return set("Progressing", tostring(ready) .. " of " .. tostring(total) .. " DPUs Ready (" .. summary .. ")")
end

local function fromPhase(phase)
  if phase == "Ready" then
    return set("Healthy", "Ready")
  end
  if phase == "Error" then
    return set("Degraded", "BFB phase Error: the file could not be downloaded or read")
  end
  return set("Progressing", "BFB phase " .. tostring(phase))
end

local status = obj.status
if status == nil then
  return set("Progressing", "Waiting for the DPF controller to report status")
end
if isStale(status.observedGeneration) then
  return waitingForGeneration(status.observedGeneration)
end
if obj.kind == "BFB" and status.phase ~= nil then
  return fromPhase(status.phase)
end
if obj.kind == "DPUSet" and status.conditions == nil then
  if status.dpuStatistics ~= nil then
    return fromDPUStatistics(status.dpuStatistics)
  end
  return set("Progressing", "Waiting for the DPUSet to report its DPUs")
end
return fromReady(status)
