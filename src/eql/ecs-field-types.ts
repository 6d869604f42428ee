// Built-in Elastic Common Schema types (ECS 8.x) for the fields Windows detection rules use.
// Fields not listed here are untyped: their JSON values compare as they are.
// Note `event.code` and `winlog.event_id` are keywords in ECS/winlogbeat, so `event.code == 4688`
// compares the text "4688"; ports and pids are longs; `source.ip` & co. are ip; no version fields.

export const ECS_FIELD_TYPES: { readonly [esType: string]: readonly string[] } = {
  ip: [
    'source.ip', 'destination.ip', 'client.ip', 'server.ip', 'host.ip', 'related.ip', 'observer.ip',
    'source.nat.ip', 'destination.nat.ip', 'client.nat.ip', 'server.nat.ip',
  ],
  long: [
    'process.pid', 'process.parent.pid', 'process.thread.id', 'process.parent.thread.id', 'process.exit_code',
    'process.parent.exit_code', 'process.args_count', 'process.parent.args_count', 'process.pgid', 'process.parent.pgid',
    'process.uptime', 'process.parent.uptime', 'process.group_leader.pid', 'process.session_leader.pid',
    'source.port', 'destination.port', 'client.port', 'server.port', 'source.nat.port', 'destination.nat.port',
    'source.bytes', 'destination.bytes', 'source.packets', 'destination.packets', 'client.bytes', 'server.bytes',
    'network.bytes', 'network.packets', 'file.size', 'file.inode', 'event.severity', 'event.sequence', 'event.duration',
    'host.uptime', 'http.response.status_code', 'http.request.bytes', 'http.response.bytes', 'dns.answers.ttl',
    'winlog.process.pid', 'winlog.process.thread.id',
  ],
  double: ['event.risk_score', 'event.risk_score_norm', 'host.cpu.usage'],
  boolean: [
    'process.code_signature.trusted', 'process.code_signature.exists', 'process.parent.code_signature.trusted',
    'process.parent.code_signature.exists', 'dll.code_signature.trusted', 'dll.code_signature.exists',
    'file.code_signature.trusted', 'file.code_signature.exists', 'process.interactive', 'process.parent.interactive',
  ],
  date: [
    '@timestamp', 'event.created', 'event.ingested', 'event.start', 'event.end', 'process.start', 'process.end',
    'process.parent.start', 'process.parent.end', 'file.created', 'file.ctime', 'file.mtime', 'file.accessed',
    'registry.data.modified', 'tls.server.not_after', 'tls.server.not_before',
  ],
  wildcard: [
    'process.command_line', 'process.parent.command_line', 'registry.data.strings', 'url.full', 'url.original',
    'file.path', 'file.target_path', 'process.executable', 'process.parent.executable', 'dll.path', 'registry.path',
    'registry.key', 'process.working_directory', 'process.title', 'user_agent.original', 'dns.question.name',
  ],
  keyword: [
    '@version', 'event.code', 'event.category', 'event.type', 'event.action', 'event.kind', 'event.outcome',
    'event.dataset', 'event.module', 'event.provider', 'event.id', 'event.hash', 'event.timezone',
    'host.os.type', 'host.os.family', 'host.os.name', 'host.os.platform', 'host.os.version', 'host.os.kernel',
    'host.id', 'host.name', 'host.hostname', 'host.domain', 'host.architecture', 'host.mac',
    'agent.id', 'agent.type', 'agent.name', 'agent.version', 'ecs.version', 'data_stream.dataset', 'data_stream.namespace',
    'data_stream.type', 'observer.vendor', 'observer.type', 'observer.name',
    'process.name', 'process.args', 'process.entity_id', 'process.hash.md5', 'process.hash.sha1',
    'process.hash.sha256', 'process.pe.original_file_name', 'process.pe.company', 'process.pe.product',
    'process.pe.description', 'process.pe.file_version', 'process.pe.imphash', 'process.code_signature.subject_name',
    'process.code_signature.status', 'process.user.name', 'process.user.id',
    'process.parent.name', 'process.parent.args', 'process.parent.entity_id', 'process.parent.pe.original_file_name',
    'process.parent.code_signature.subject_name', 'process.parent.code_signature.status', 'process.parent.hash.sha256',
    'user.name', 'user.id', 'user.domain', 'user.target.name', 'user.target.domain', 'user.effective.name',
    'group.name', 'group.id', 'file.name', 'file.extension', 'file.directory', 'file.drive_letter', 'file.type',
    'file.hash.md5', 'file.hash.sha1', 'file.hash.sha256', 'file.pe.original_file_name', 'file.Ext.original.name',
    'file.Ext.original.path', 'file.code_signature.subject_name', 'file.code_signature.status',
    'registry.hive', 'registry.value', 'registry.data.type', 'dll.name', 'dll.hash.sha256',
    'dll.pe.original_file_name', 'dll.code_signature.subject_name', 'dll.code_signature.status',
    'network.direction', 'network.protocol', 'network.transport', 'network.type', 'network.application',
    'source.domain', 'destination.domain', 'source.address', 'destination.address', 'dns.question.type',
    'dns.question.registered_domain', 'dns.response_code', 'url.domain', 'url.path', 'url.scheme',
    'rule.name', 'rule.id', 'service.name', 'service.type', 'tags', 'message_id',
    'winlog.event_id', 'winlog.channel', 'winlog.provider_name', 'winlog.provider_guid', 'winlog.computer_name',
    'winlog.record_id', 'winlog.task', 'winlog.opcode', 'winlog.keywords', 'winlog.logon.type', 'winlog.logon.id',
    'winlog.event_data.LogonType', 'winlog.event_data.SubjectUserName', 'winlog.event_data.TargetUserName',
    'winlog.event_data.ServiceName', 'winlog.event_data.ServiceFileName', 'winlog.event_data.Status',
    'powershell.file.script_block_text', 'powershell.command.name',
  ],
}
