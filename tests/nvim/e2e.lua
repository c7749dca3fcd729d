-- End-to-end test of `lync-lint lsp` in a real editor: headless Neovim (0.7 or newer) opens
-- an environment file, starts the server with the built-in LSP client, reads the diagnostics
-- through `vim.diagnostic.get`, applies the waiver quick fix to each finding, and checks
-- that the diagnostics clear. Run by `.ci/nvim-e2e.sh`, which sets:
--   LYNC_LINT_BIN       the `lync-lint` binary
--   LYNC_LINT_E2E_FILE  the environment file to open (a copy: it is edited, never saved)
-- Prints `nvim-e2e: ok: ...` and exits 0, or `nvim-e2e: FAILED: ...` and exits 1.

local TIMEOUT = 60000

local function say(line)
  io.stdout:write("nvim-e2e: " .. line .. "\n")
end

local function fail(message)
  say("FAILED: " .. message)
  vim.cmd("cquit 1")
end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)))
  end
  table.sort(out)
  return out
end

local function main()
  local bin, file = os.getenv("LYNC_LINT_BIN"), os.getenv("LYNC_LINT_E2E_FILE")
  if not bin or not file then
    return fail("LYNC_LINT_BIN and LYNC_LINT_E2E_FILE must be set")
  end
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "lync-lint",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
  })
  if not client_id then
    return fail("the client could not start `" .. bin .. " lsp`")
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  if not vim.wait(TIMEOUT, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then
    return fail("no diagnostics within " .. TIMEOUT .. " ms")
  end
  local first = codes(bufnr)
  say("diagnostics: " .. table.concat(first, ", "))
  for _, code in ipairs(first) do
    if not code:find("/", 1, true) then
      return fail("expected only rule findings, got `" .. code .. "`")
    end
  end

  local client = vim.lsp.get_client_by_id(client_id)
  local fixed = 0
  while #vim.diagnostic.get(bufnr) > 0 do
    local d = vim.diagnostic.get(bufnr)[1]
    local range = {
      start = { line = d.lnum, character = d.col },
      ["end"] = { line = d.end_lnum, character = d.end_col },
    }
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = range,
      context = { diagnostics = { { range = range, message = d.message, severity = d.severity, code = d.code } } },
    }
    local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT) or {}
    local action
    for _, response in pairs(responses) do
      for _, a in ipairs(response.result or {}) do
        if a.title:find("^Waive") and a.edit then
          action = a
        end
      end
    end
    if not action then
      return fail("no waiver quick fix for `" .. tostring(d.code) .. "`: " .. vim.inspect(responses):gsub("%s+", " "))
    end
    local before = #vim.diagnostic.get(bufnr)
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
    fixed = fixed + 1
    if not vim.wait(TIMEOUT, function() return #vim.diagnostic.get(bufnr) < before end, 50) then
      return fail("the diagnostics did not change after `" .. action.title .. "`")
    end
    if fixed > #first then
      return fail("more quick fixes than findings; left: " .. table.concat(codes(bufnr), ", "))
    end
  end
  local waivers = 0
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find('^waiver "') then
      waivers = waivers + 1
    end
  end
  if waivers ~= #first then
    return fail("expected " .. #first .. " waiver lines in the buffer, found " .. waivers)
  end
  say("ok: " .. #first .. " findings waived by quick fixes; no diagnostics left")
  vim.cmd("qall!")
end

local ok, err = pcall(main)
if not ok then
  fail("error: " .. tostring(err))
end
