from django.contrib import admin

from .models import Article, CommercialDocument, DocumentSending


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "is_published", "updated_at")
    list_filter = ("topic", "is_published")
    search_fields = ("title", "keywords")
    raw_id_fields = ("products", "author")

    def save_model(self, request, obj, form, change):
        from .search import build_search_text

        obj.search_text = build_search_text(
            title=obj.title, keywords=obj.keywords, summary=obj.summary, body=obj.body
        )
        super().save_model(request, obj, form, change)


@admin.register(CommercialDocument)
class CommercialDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "product", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("product",)


@admin.register(DocumentSending)
class DocumentSendingAdmin(admin.ModelAdmin):
    list_display = ("company", "due_on", "status", "requested_by", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("company", "contact", "requested_by", "task", "message")
