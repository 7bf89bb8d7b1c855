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
CREATE UNIQUE INDEX `marketing_actions_sandbox_key_unique` ON `marketing_actions` (`sandbox_id`,`key`);