CREATE TABLE "channel_configuration_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"configuration_id" text NOT NULL,
	"run" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"remedy" text,
	"checked_at" timestamp (3) with time zone,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_configurations" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"description" text,
	"channel" text NOT NULL,
	"credential_id" text,
	"webhook_id" text,
	"sender_phone_number" text,
	"execution_field" text,
	"marketing_action_ids" jsonb NOT NULL,
	"status" text NOT NULL,
	"status_version" integer NOT NULL,
	"previous_status" text,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"status_reason" text,
	"check_run" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_account_blocks" (
	"credential_id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"kind" text NOT NULL,
	"event" text NOT NULL,
	"detail" text NOT NULL,
	"restriction_types" jsonb NOT NULL,
	"until" timestamp (3) with time zone,
	"since" timestamp (3) with time zone NOT NULL,
	"delivery_id" text
);
--> statement-breakpoint
CREATE TABLE "meta_api_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"http_status" integer,
	"meta_code" integer,
	"fbtrace_id" text,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_quality_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"phone_number_id" text NOT NULL,
	"previous_quality_rating" text,
	"quality_rating" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_api_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"business_account_id" text NOT NULL,
	"waba_id" text NOT NULL,
	"waba_name" text,
	"waba_ownership" text,
	"phone_number_id" text NOT NULL,
	"display_phone_number" text,
	"verified_name" text,
	"quality_rating" text NOT NULL,
	"throughput_level" text NOT NULL,
	"messages_per_second" integer,
	"messaging_limit_tier" text,
	"phone_status" text,
	"can_send_message" boolean,
	"api_token_enc" text NOT NULL,
	"api_token_last4" text NOT NULL,
	"api_token_type" text,
	"api_token_expires_at" timestamp (3) with time zone,
	"api_token_scopes" jsonb NOT NULL,
	"app_id" text,
	"status" text NOT NULL,
	"previous_status" text,
	"status_message" text,
	"status_version" integer NOT NULL,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"warnings" jsonb NOT NULL,
	"phone_number_refreshed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"status" text NOT NULL,
	"previous_status" text NOT NULL,
	"source" text NOT NULL,
	"keyword" text,
	"message_id" text,
	"detail" text,
	"dedupe_key" text,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_statuses" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"wamid" text NOT NULL,
	"biz_opaque_callback_data" text,
	"status" text NOT NULL,
	"meta_status" text NOT NULL,
	"status_at" timestamp (3) with time zone NOT NULL,
	"recipient_id" text,
	"recipient_user_id" text,
	"errors" jsonb NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_events" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"message_id" text,
	"contact_id" text,
	"phone_number" text,
	"channel_configuration_id" text,
	"detail" jsonb,
	"dedupe_key" text
);
--> statement-breakpoint
CREATE TABLE "whatsapp_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"user_key" text NOT NULL,
	"bsuid" text,
	"wa_id" text,
	"phone_number" text,
	"profile_name" text,
	"consent_status" text NOT NULL,
	"consent_changed_at" timestamp (3) with time zone,
	"last_inbound_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"channel_configuration_id" text,
	"batch_id" text,
	"contact_id" text,
	"direction" text NOT NULL,
	"wamid" text,
	"type" text NOT NULL,
	"to_number" text,
	"from_number" text,
	"text" text,
	"template" jsonb,
	"status" text NOT NULL,
	"status_reason" text,
	"meta_error_code" integer,
	"biz_opaque_callback_data" text,
	"status_rank" integer NOT NULL,
	"send_attempted_at" timestamp (3) with time zone,
	"sent_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"read_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	"group_id" text,
	"edited_text" text,
	"edited_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"sandbox_id" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"max_failures" integer NOT NULL,
	"run_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"lease_owner" text,
	"heartbeat_at" timestamp (3) with time zone,
	"last_error" text,
	"dedupe_key" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"sandbox_id" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"sandbox_id" text NOT NULL,
	"api_key_id" text,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"object_type" text,
	"object_id" text,
	"outcome" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"entitlements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "organizations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sandboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_batch_recipients" (
	"batch_id" text NOT NULL,
	"position" integer NOT NULL,
	"profile_id" text NOT NULL,
	"message_id" text,
	"done" boolean NOT NULL,
	"not_before" timestamp (3) with time zone,
	"refusals" integer NOT NULL,
	CONSTRAINT "message_batch_recipients_batch_id_position_pk" PRIMARY KEY("batch_id","position")
);
--> statement-breakpoint
CREATE TABLE "message_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"channel_configuration_id" text NOT NULL,
	"content" jsonb NOT NULL,
	"track_links" boolean NOT NULL,
	"marketing" boolean NOT NULL,
	"status" text NOT NULL,
	"status_reason" text,
	"status_version" integer NOT NULL,
	"total" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_links" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"message_id" text NOT NULL,
	"token" text NOT NULL,
	"url" text NOT NULL,
	"clicks" integer NOT NULL,
	"first_clicked_at" timestamp (3) with time zone,
	"last_clicked_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_general_settings" (
	"sandbox_id" text PRIMARY KEY NOT NULL,
	"whatsapp_execution_field" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"consent_policy" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"body" "bytea" NOT NULL,
	"body_sha256" text NOT NULL,
	"changes" integer,
	"outcome" text NOT NULL,
	"detail" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "whatsapp_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"credential_id" text NOT NULL,
	"path_id" text NOT NULL,
	"verify_token_enc" text NOT NULL,
	"verify_token_hash" text NOT NULL,
	"verify_token_last4" text NOT NULL,
	"app_secret_enc" text NOT NULL,
	"app_secret_last4" text NOT NULL,
	"keyword_rules" jsonb NOT NULL,
	"secret_version" integer DEFAULT 1 NOT NULL,
	"verified_at" timestamp (3) with time zone,
	"last_event_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_configuration_checks" ADD CONSTRAINT "channel_configuration_checks_configuration_id_channel_configurations_id_fk" FOREIGN KEY ("configuration_id") REFERENCES "public"."channel_configurations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_webhook_id_whatsapp_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."whatsapp_webhooks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_account_blocks" ADD CONSTRAINT "whatsapp_account_blocks_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meta_api_calls" ADD CONSTRAINT "meta_api_calls_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_quality_changes" ADD CONSTRAINT "phone_quality_changes_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_api_credentials" ADD CONSTRAINT "whatsapp_api_credentials_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_changes" ADD CONSTRAINT "consent_changes_contact_id_whatsapp_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."whatsapp_contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_statuses" ADD CONSTRAINT "pending_statuses_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_message_id_whatsapp_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."whatsapp_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_contact_id_whatsapp_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."whatsapp_contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_contacts" ADD CONSTRAINT "whatsapp_contacts_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_contact_id_whatsapp_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."whatsapp_contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandboxes" ADD CONSTRAINT "sandboxes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_batch_recipients" ADD CONSTRAINT "message_batch_recipients_batch_id_message_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."message_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_batch_recipients" ADD CONSTRAINT "message_batch_recipients_message_id_whatsapp_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."whatsapp_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_batches" ADD CONSTRAINT "message_batches_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_batches" ADD CONSTRAINT "message_batches_channel_configuration_id_channel_configurations_id_fk" FOREIGN KEY ("channel_configuration_id") REFERENCES "public"."channel_configurations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_links" ADD CONSTRAINT "message_links_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_links" ADD CONSTRAINT "message_links_message_id_whatsapp_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."whatsapp_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_general_settings" ADD CONSTRAINT "channel_general_settings_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_actions" ADD CONSTRAINT "marketing_actions_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_whatsapp_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."whatsapp_webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_webhooks" ADD CONSTRAINT "whatsapp_webhooks_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_webhooks" ADD CONSTRAINT "whatsapp_webhooks_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_configuration_checks_run_name_unique" ON "channel_configuration_checks" USING btree ("configuration_id","run","name");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_configurations_sandbox_name_unique" ON "channel_configurations" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE INDEX "channel_configurations_sandbox_idx" ON "channel_configurations" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "channel_configurations_credential_idx" ON "channel_configurations" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "channel_configurations_webhook_idx" ON "channel_configurations" USING btree ("webhook_id");--> statement-breakpoint
CREATE INDEX "meta_api_calls_credential_idx" ON "meta_api_calls" USING btree ("credential_id","id");--> statement-breakpoint
CREATE INDEX "phone_quality_changes_credential_idx" ON "phone_quality_changes" USING btree ("credential_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_api_credentials_sandbox_name_unique" ON "whatsapp_api_credentials" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_sandbox_idx" ON "whatsapp_api_credentials" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_phone_idx" ON "whatsapp_api_credentials" USING btree ("sandbox_id","phone_number_id");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_status_idx" ON "whatsapp_api_credentials" USING btree ("status");--> statement-breakpoint
CREATE INDEX "consent_changes_contact_idx" ON "consent_changes" USING btree ("contact_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_changes_dedupe_unique" ON "consent_changes" USING btree ("sandbox_id","dedupe_key") WHERE "consent_changes"."dedupe_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "pending_statuses_wamid_idx" ON "pending_statuses" USING btree ("sandbox_id","wamid");--> statement-breakpoint
CREATE INDEX "pending_statuses_opaque_idx" ON "pending_statuses" USING btree ("sandbox_id","biz_opaque_callback_data");--> statement-breakpoint
CREATE UNIQUE INDEX "pending_statuses_unique" ON "pending_statuses" USING btree ("sandbox_id","wamid","status");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_dedupe_unique" ON "tracking_events" USING btree ("sandbox_id","dedupe_key") WHERE "tracking_events"."dedupe_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tracking_events_sandbox_idx" ON "tracking_events" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "tracking_events_type_idx" ON "tracking_events" USING btree ("sandbox_id","type","id");--> statement-breakpoint
CREATE INDEX "tracking_events_channel_idx" ON "tracking_events" USING btree ("sandbox_id","channel_configuration_id","id");--> statement-breakpoint
CREATE INDEX "tracking_events_message_idx" ON "tracking_events" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_contacts_user_key_unique" ON "whatsapp_contacts" USING btree ("sandbox_id","user_key");--> statement-breakpoint
CREATE INDEX "whatsapp_contacts_phone_idx" ON "whatsapp_contacts" USING btree ("sandbox_id","phone_number");--> statement-breakpoint
CREATE INDEX "whatsapp_contacts_bsuid_idx" ON "whatsapp_contacts" USING btree ("sandbox_id","bsuid");--> statement-breakpoint
CREATE INDEX "whatsapp_contacts_wa_id_idx" ON "whatsapp_contacts" USING btree ("sandbox_id","wa_id");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_messages_wamid_unique" ON "whatsapp_messages" USING btree ("sandbox_id","wamid") WHERE "whatsapp_messages"."wamid" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "whatsapp_messages_sandbox_idx" ON "whatsapp_messages" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_status_idx" ON "whatsapp_messages" USING btree ("sandbox_id","status","id");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_channel_idx" ON "whatsapp_messages" USING btree ("sandbox_id","channel_configuration_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_opaque_idx" ON "whatsapp_messages" USING btree ("sandbox_id","biz_opaque_callback_data");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_credential_idx" ON "whatsapp_messages" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_contact_idx" ON "whatsapp_messages" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_batch_idx" ON "whatsapp_messages" USING btree ("batch_id","status");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_send_attempt_idx" ON "whatsapp_messages" USING btree ("credential_id","send_attempted_at");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_unsettled_idx" ON "whatsapp_messages" USING btree ("send_attempted_at") WHERE "whatsapp_messages"."status" = 'QUEUED';--> statement-breakpoint
CREATE INDEX "jobs_ready_idx" ON "jobs" USING btree ("status","kind","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_active_dedupe_unique" ON "jobs" USING btree ("dedupe_key") WHERE "jobs"."dedupe_key" IS NOT NULL AND "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "api_keys_sandbox_idx" ON "api_keys" USING btree ("sandbox_id");--> statement-breakpoint
CREATE INDEX "audit_log_sandbox_idx" ON "audit_log" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sandboxes_org_name_unique" ON "sandboxes" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_sandbox_profile_id_unique" ON "profiles" USING btree ("sandbox_id","profile_id");--> statement-breakpoint
CREATE INDEX "message_batch_recipients_pending_idx" ON "message_batch_recipients" USING btree ("batch_id","done","position");--> statement-breakpoint
CREATE INDEX "message_batches_sandbox_idx" ON "message_batches" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "message_batches_status_idx" ON "message_batches" USING btree ("status");--> statement-breakpoint
CREATE INDEX "message_batches_channel_idx" ON "message_batches" USING btree ("sandbox_id","channel_configuration_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "message_links_token_unique" ON "message_links" USING btree ("token");--> statement-breakpoint
CREATE INDEX "message_links_message_idx" ON "message_links" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_actions_sandbox_key_unique" ON "marketing_actions" USING btree ("sandbox_id","key");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_hash_idx" ON "webhook_deliveries" USING btree ("webhook_id","body_sha256","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("id") WHERE "webhook_deliveries"."outcome" = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_webhooks_sandbox_name_unique" ON "whatsapp_webhooks" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_webhooks_path_unique" ON "whatsapp_webhooks" USING btree ("path_id");--> statement-breakpoint
CREATE INDEX "whatsapp_webhooks_sandbox_idx" ON "whatsapp_webhooks" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_webhooks_credential_idx" ON "whatsapp_webhooks" USING btree ("credential_id");