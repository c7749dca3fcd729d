-- End-to-end test of `lync-lint lsp` in a real editor: headless Neovim (0.7 or newer) opens
-- an environment file, starts the server with the built-in LSP client, reads the diagnostics
-- through `vim.diagnostic.get`, checks the outline (document symbols), jumps to the policy
-- behind a finding (`vim.lsp.buf.definition`, into the read-only copy of the built-in pack in
-- $XDG_CACHE_HOME) and reads the verdict code lens; then applies the waiver quick fix to each
-- finding, checks that the diagnostics clear and that the lens says `online-viable`.
-- Run by `.ci/nvim-e2e.sh`, which sets:
--   LYNC_LINT_BIN       the `lync-lint` binary
--   LYNC_LINT_E2E_FILE  the environment file to open (a copy: it is edited, never saved)
--   XDG_CACHE_HOME      a temporary directory (the server writes the pack's copy there)
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

-- The outline of the buffer: `voice` with its needs inside.
local function check_symbols(bufnr)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/documentSymbol", params, TIMEOUT) or {}
  for _, response in pairs(responses) do
    for _, s in ipairs(response.result or {}) do
      if s.name == "voice" then
        local needs = {}
        for _, c in ipairs(s.children or {}) do
          table.insert(needs, c.name)
        end
        if not vim.tbl_contains(needs, "pbx-replacement") then
          return "`voice` has no `pbx-replacement` child: " .. table.concat(needs, ", ")
        end
        say("document symbols: voice > " .. table.concat(needs, ", "))
        return nil
      end
    end
  end
  return "no `voice` symbol: " .. vim.inspect(responses):gsub("%s+", " ")
end

-- Go to definition on a finding: the policy's `policy "ID"` line in the pack's read-only copy.
local function check_definition(bufnr, d)
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.lsp.buf.definition()
  if not vim.wait(TIMEOUT, function() return vim.api.nvim_get_current_buf() ~= bufnr end, 50) then
    return "go to definition did not open another file"
  end
  local target = vim.api.nvim_buf_get_name(0)
  local line = vim.api.nvim_get_current_line()
  local cache = os.getenv("XDG_CACHE_HOME") or ""
  local err
  if not line:find('^policy "' .. vim.pesc(tostring(d.code)) .. '"') then
    err = "the definition of `" .. tostring(d.code) .. "` is not its policy: " .. target .. ": " .. line
  elseif cache == "" or target:sub(1, #cache) ~= cache or not target:find("/lync%-lint/.+/policies/lync%-2013/") then
    err = "the definition is not in the pack's copy under XDG_CACHE_HOME: " .. target
  elseif vim.fn.getfperm(target):find("w") then
    err = "the pack's copy is writable (" .. vim.fn.getfperm(target) .. "): " .. target
  else
    say("definition: " .. tostring(d.code) .. " -> " .. target:sub(#cache + 2) .. ":" .. vim.api.nvim_win_get_cursor(0)[1])
  end
  vim.cmd("buffer " .. bufnr)
  return err
end

-- The verdict code lens on line 1: refreshed until it starts with `want` (the lenses of the
-- last refresh stay until the new ones arrive; what follows the verdict, such as the hybrid
-- range, is the server's to add), or the last title seen after the timeout.
local function lens_title(bufnr, want)
  vim.lsp.codelens.refresh()
  local title
  vim.wait(TIMEOUT, function()
    for _, lens in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
      if lens.range.start.line == 0 and lens.command then
        title = lens.command.title
      end
    end
    return title ~= nil and title:sub(1, #want) == want
  end, 50)
  return title
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

  local err = check_symbols(bufnr) or check_definition(bufnr, vim.diagnostic.get(bufnr)[1])
  if err then
    return fail(err)
  end
  local want = "online-ruled-out by " .. #first .. " rules"
  local lens = lens_title(bufnr, want)
  if not lens or lens:sub(1, #want) ~= want then
    return fail("code lens: expected `" .. want .. "...`, got `" .. tostring(lens) .. "`")
  end
  say("code lens: " .. lens)

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
  lens = lens_title(bufnr, "online-viable")
  if not lens or lens:sub(1, #"online-viable") ~= "online-viable" then
    return fail("code lens after the waivers: expected `online-viable`, got `" .. tostring(lens) .. "`")
  end
  say("ok: " .. #first .. " findings waived by quick fixes; no diagnostics left; code lens: " .. lens)
  vim.cmd("qall!")
end

local ok, err = pcall(main)
if not ok then
  fail("error: " .. tostring(err))
end
