CREATE TABLE `channel_configuration_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`configuration_id` text NOT NULL,
	`run` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`message` text,
	`remedy` text,
	`checked_at` integer,
	`position` integer NOT NULL,
	FOREIGN KEY (`configuration_id`) REFERENCES `channel_configurations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_configuration_checks_run_name_unique` ON `channel_configuration_checks` (`configuration_id`,`run`,`name`);--> statement-breakpoint
CREATE TABLE `channel_configurations` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text,
	`channel` text NOT NULL,
	`credential_id` text,
	`webhook_id` text,
	`sender_phone_number` text,
	`execution_field` text,
	`marketing_action_ids` text NOT NULL,
	`status` text NOT NULL,
	`status_version` integer NOT NULL,
	`previous_status` text,
	`status_changed_at` integer NOT NULL,
	`status_reason` text,
	`check_run` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`webhook_id`) REFERENCES `whatsapp_webhooks`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_configurations_sandbox_name_unique` ON `channel_configurations` (`sandbox_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `channel_configurations_sandbox_idx` ON `channel_configurations` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `channel_configurations_credential_idx` ON `channel_configurations` (`credential_id`);--> statement-breakpoint
CREATE INDEX `channel_configurations_webhook_idx` ON `channel_configurations` (`webhook_id`);--> statement-breakpoint
CREATE TABLE `meta_api_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`at` integer NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`http_status` integer,
	`meta_code` integer,
	`fbtrace_id` text,
	`duration_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meta_api_calls_credential_idx` ON `meta_api_calls` (`credential_id`,`id`);--> statement-breakpoint
CREATE TABLE `phone_quality_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`phone_number_id` text NOT NULL,
	`previous_quality_rating` text,
	`quality_rating` text NOT NULL,
	`at` integer NOT NULL,
	`source` text NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `phone_quality_changes_credential_idx` ON `phone_quality_changes` (`credential_id`,`id`);--> statement-breakpoint
CREATE TABLE `whatsapp_api_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`business_account_id` text NOT NULL,
	`waba_id` text NOT NULL,
	`waba_name` text,
	`waba_ownership` text,
	`phone_number_id` text NOT NULL,
	`display_phone_number` text,
	`verified_name` text,
	`quality_rating` text NOT NULL,
	`throughput_level` text NOT NULL,
	`messages_per_second` integer,
	`messaging_limit_tier` text,
	`phone_status` text,
	`can_send_message` integer,
	`api_token_enc` text NOT NULL,
	`api_token_last4` text NOT NULL,
	`api_token_type` text,
	`api_token_expires_at` integer,
	`api_token_scopes` text NOT NULL,
	`app_id` text,
	`status` text NOT NULL,
	`previous_status` text,
	`status_message` text,
	`status_version` integer NOT NULL,
	`status_changed_at` integer NOT NULL,
	`warnings` text NOT NULL,
	`phone_number_refreshed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_api_credentials_sandbox_name_unique` ON `whatsapp_api_credentials` (`sandbox_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `whatsapp_api_credentials_sandbox_idx` ON `whatsapp_api_credentials` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `whatsapp_api_credentials_phone_idx` ON `whatsapp_api_credentials` (`sandbox_id`,`phone_number_id`);--> statement-breakpoint
CREATE INDEX `whatsapp_api_credentials_status_idx` ON `whatsapp_api_credentials` (`status`);--> statement-breakpoint
CREATE TABLE `message_batch_recipients` (
	`batch_id` text NOT NULL,
	`position` integer NOT NULL,
	`profile_id` text NOT NULL,
	`message_id` text,
	`done` integer NOT NULL,
	`not_before` integer,
	`refusals` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `position`),
	FOREIGN KEY (`batch_id`) REFERENCES `message_batches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `whatsapp_messages`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `message_batch_recipients_pending_idx` ON `message_batch_recipients` (`batch_id`,`done`,`position`);--> statement-breakpoint
CREATE TABLE `message_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`channel_configuration_id` text NOT NULL,
	`content` text NOT NULL,
	`track_links` integer NOT NULL,
	`marketing` integer NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`status_version` integer NOT NULL,
	`total` integer NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`channel_configuration_id`) REFERENCES `channel_configurations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `message_batches_sandbox_idx` ON `message_batches` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `message_batches_status_idx` ON `message_batches` (`status`);--> statement-breakpoint
CREATE INDEX `message_batches_channel_idx` ON `message_batches` (`sandbox_id`,`channel_configuration_id`,`id`);--> statement-breakpoint
CREATE TABLE `message_links` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`message_id` text NOT NULL,
	`token` text NOT NULL,
	`url` text NOT NULL,
	`clicks` integer NOT NULL,
	`first_clicked_at` integer,
	`last_clicked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `whatsapp_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_links_token_unique` ON `message_links` (`token`);--> statement-breakpoint
CREATE INDEX `message_links_message_idx` ON `message_links` (`message_id`);--> statement-breakpoint
CREATE TABLE `consent_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`previous_status` text NOT NULL,
	`source` text NOT NULL,
	`keyword` text,
	`message_id` text,
	`detail` text,
	`dedupe_key` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `whatsapp_contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `consent_changes_contact_idx` ON `consent_changes` (`contact_id`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consent_changes_dedupe_unique` ON `consent_changes` (`sandbox_id`,`dedupe_key`) WHERE "consent_changes"."dedupe_key" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `pending_statuses` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`wamid` text NOT NULL,
	`biz_opaque_callback_data` text,
	`status` text NOT NULL,
	`meta_status` text NOT NULL,
	`status_at` integer NOT NULL,
	`recipient_id` text,
	`recipient_user_id` text,
	`errors` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pending_statuses_wamid_idx` ON `pending_statuses` (`sandbox_id`,`wamid`);--> statement-breakpoint
CREATE INDEX `pending_statuses_opaque_idx` ON `pending_statuses` (`sandbox_id`,`biz_opaque_callback_data`);--> statement-breakpoint
CREATE UNIQUE INDEX `pending_statuses_unique` ON `pending_statuses` (`sandbox_id`,`wamid`,`status`);--> statement-breakpoint
CREATE TABLE `tracking_events` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`message_id` text,
	`contact_id` text,
	`phone_number` text,
	`channel_configuration_id` text,
	`detail` text,
	`dedupe_key` text,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `whatsapp_messages`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`contact_id`) REFERENCES `whatsapp_contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_events_dedupe_unique` ON `tracking_events` (`sandbox_id`,`dedupe_key`) WHERE "tracking_events"."dedupe_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `tracking_events_sandbox_idx` ON `tracking_events` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `tracking_events_type_idx` ON `tracking_events` (`sandbox_id`,`type`,`id`);--> statement-breakpoint
CREATE INDEX `tracking_events_channel_idx` ON `tracking_events` (`sandbox_id`,`channel_configuration_id`,`id`);--> statement-breakpoint
CREATE INDEX `tracking_events_message_idx` ON `tracking_events` (`message_id`);--> statement-breakpoint
CREATE TABLE `whatsapp_contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`user_key` text NOT NULL,
	`bsuid` text,
	`wa_id` text,
	`phone_number` text,
	`profile_name` text,
	`consent_status` text NOT NULL,
	`consent_changed_at` integer,
	`last_inbound_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_contacts_user_key_unique` ON `whatsapp_contacts` (`sandbox_id`,`user_key`);--> statement-breakpoint
CREATE INDEX `whatsapp_contacts_phone_idx` ON `whatsapp_contacts` (`sandbox_id`,`phone_number`);--> statement-breakpoint
CREATE INDEX `whatsapp_contacts_bsuid_idx` ON `whatsapp_contacts` (`sandbox_id`,`bsuid`);--> statement-breakpoint
CREATE INDEX `whatsapp_contacts_wa_id_idx` ON `whatsapp_contacts` (`sandbox_id`,`wa_id`);--> statement-breakpoint
CREATE TABLE `whatsapp_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`channel_configuration_id` text,
	`batch_id` text,
	`contact_id` text,
	`direction` text NOT NULL,
	`wamid` text,
	`type` text NOT NULL,
	`to_number` text,
	`from_number` text,
	`text` text,
	`template` text,
	`status` text NOT NULL,
	`status_reason` text,
	`meta_error_code` integer,
	`biz_opaque_callback_data` text,
	`status_rank` integer NOT NULL,
	`send_attempted_at` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`failed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`contact_id`) REFERENCES `whatsapp_contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_messages_wamid_unique` ON `whatsapp_messages` (`sandbox_id`,`wamid`) WHERE "whatsapp_messages"."wamid" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `whatsapp_messages_sandbox_idx` ON `whatsapp_messages` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_status_idx` ON `whatsapp_messages` (`sandbox_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_channel_idx` ON `whatsapp_messages` (`sandbox_id`,`channel_configuration_id`,`id`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_opaque_idx` ON `whatsapp_messages` (`sandbox_id`,`biz_opaque_callback_data`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_credential_idx` ON `whatsapp_messages` (`credential_id`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_contact_idx` ON `whatsapp_messages` (`contact_id`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_batch_idx` ON `whatsapp_messages` (`batch_id`,`status`);--> statement-breakpoint
CREATE INDEX `whatsapp_messages_send_attempt_idx` ON `whatsapp_messages` (`credential_id`,`send_attempted_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`sandbox_id` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`max_failures` integer NOT NULL,
	`run_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_ready_idx` ON `jobs` (`status`,`kind`,`run_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_active_dedupe_unique` ON `jobs` (`dedupe_key`) WHERE "jobs"."dedupe_key" IS NOT NULL AND "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`sandbox_id` text NOT NULL,
	`role` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix_unique` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_sandbox_idx` ON `api_keys` (`sandbox_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`sandbox_id` text NOT NULL,
	`api_key_id` text,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`action` text NOT NULL,
	`object_type` text,
	`object_id` text,
	`outcome` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_sandbox_idx` ON `audit_log` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`entitlements` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_name_unique` ON `organizations` (`name`);--> statement-breakpoint
CREATE TABLE `sandboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandboxes_org_name_unique` ON `sandboxes` (`organization_id`,`name`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`attributes` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_sandbox_profile_id_unique` ON `profiles` (`sandbox_id`,`profile_id`);--> statement-breakpoint
CREATE TABLE `channel_general_settings` (
	`sandbox_id` text PRIMARY KEY NOT NULL,
	`whatsapp_execution_field` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `marketing_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`consent_policy` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `marketing_actions_sandbox_key_unique` ON `marketing_actions` (`sandbox_id`,`key`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`body` blob NOT NULL,
	`body_sha256` text NOT NULL,
	`changes` integer,
	`outcome` text NOT NULL,
	`detail` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `whatsapp_webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_idx` ON `webhook_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_hash_idx` ON `webhook_deliveries` (`webhook_id`,`body_sha256`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_pending_idx` ON `webhook_deliveries` (`id`) WHERE "webhook_deliveries"."outcome" = 'PENDING';--> statement-breakpoint
CREATE TABLE `whatsapp_webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`credential_id` text NOT NULL,
	`path_id` text NOT NULL,
	`verify_token_enc` text NOT NULL,
	`verify_token_hash` text NOT NULL,
	`verify_token_last4` text NOT NULL,
	`app_secret_enc` text NOT NULL,
	`app_secret_last4` text NOT NULL,
	`keyword_rules` text NOT NULL,
	`secret_version` integer DEFAULT 1 NOT NULL,
	`verified_at` integer,
	`last_event_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sandbox_id`) REFERENCES `sandboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_webhooks_sandbox_name_unique` ON `whatsapp_webhooks` (`sandbox_id`,`name_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_webhooks_path_unique` ON `whatsapp_webhooks` (`path_id`);--> statement-breakpoint
CREATE INDEX `whatsapp_webhooks_sandbox_idx` ON `whatsapp_webhooks` (`sandbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `whatsapp_webhooks_credential_idx` ON `whatsapp_webhooks` (`credential_id`);